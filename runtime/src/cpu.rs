//! The CPU time of the calling thread, which the interrupt handler compares with the budget
//! (wall time would charge a site for time other sites or the kernel used), and the `Clock`
//! of one isolate's calls: a deadline, and the time spent loading modules, which is not the
//! call's to pay (compiling a module is Sitegate's work, done once per file content; the
//! module's own top-level code runs, and is charged, as any other code).

use std::cell::Cell;
use std::time::Duration;

/// CPU time consumed so far by the current thread.
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is always supported
    // on Linux. On failure `ts` stays zero, which only makes the budget more lenient.
    unsafe {
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts);
    }
    Duration::new(
        ts.tv_sec.max(0) as u64,
        ts.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

/// The budget of the call running on an isolate, if any.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    /// When the call's budget runs out (thread CPU time).
    deadline: Cell<Option<Duration>>,
    /// When the call started.
    start: Cell<Duration>,
    /// What the call spent loading modules.
    loading: Cell<Duration>,
}

impl Clock {
    /// Starts a call with `budget`.
    pub(crate) fn start(&self, budget: Duration) {
        let now = thread_cpu_time();
        self.start.set(now);
        self.loading.set(Duration::ZERO);
        self.deadline.set(Some(now + budget));
    }

    /// Whether the running call is past its deadline.
    pub(crate) fn over(&self) -> bool {
        self.deadline
            .get()
            .is_some_and(|deadline| thread_cpu_time() > deadline)
    }

    /// Runs `load` (a module load) without charging its CPU time to the running call.
    pub(crate) fn uncharged<R>(&self, load: impl FnOnce() -> R) -> R {
        let before = thread_cpu_time();
        let result = load();
        let spent = thread_cpu_time() - before;
        self.loading.set(self.loading.get() + spent);
        if let Some(deadline) = self.deadline.get() {
            self.deadline.set(Some(deadline + spent));
        }
        result
    }

    /// Ends the call, answering the CPU time charged to it.
    pub(crate) fn stop(&self) -> Duration {
        self.deadline.set(None);
        (thread_cpu_time() - self.start.get()).saturating_sub(self.loading.get())
    }
}
