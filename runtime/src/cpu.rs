//! The CPU time of the calling thread, which the interrupt handler compares with the budget
//! (wall time would charge a site for time other sites or the kernel used).

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
