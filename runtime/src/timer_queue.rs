//! An isolate's timer queue: the callbacks `setTimeout` and `setInterval` scheduled, ordered
//! by when they are due. The owner of the isolate fires due timers between turns and sleeps
//! until the next one is due.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use rquickjs::function::Rest;
use rquickjs::{Ctx, Function, Persistent, Result, Value};

/// One scheduled callback.
struct Timer {
    callback: Persistent<Function<'static>>,
    args: Vec<Persistent<Value<'static>>>,
    repeat: Option<Duration>,
    due: (Instant, u64),
    /// The request whose turn scheduled it (its CPU time is charged there).
    request: Option<u64>,
}

/// A timer that is due: what to call, and for which request.
pub(crate) struct Due {
    callback: Persistent<Function<'static>>,
    args: Vec<Persistent<Value<'static>>>,
    /// The request that scheduled it.
    pub(crate) request: Option<u64>,
}

impl Due {
    /// Calls the callback; an exception is reported, not propagated.
    pub(crate) fn fire(self, ctx: &Ctx<'_>) -> Result<()> {
        let callback = self.callback.restore(ctx)?;
        let args = self
            .args
            .into_iter()
            .map(|a| a.restore(ctx))
            .collect::<Result<Vec<_>>>()?;
        if let Err(error) = callback.call::<_, ()>((Rest(args),)) {
            crate::report::uncaught(ctx, error);
        }
        Ok(())
    }
}

/// The timers of one isolate, ordered by due time (ties in scheduling order).
#[derive(Default)]
pub(crate) struct Timers {
    queue: BTreeMap<(Instant, u64), u32>,
    entries: HashMap<u32, Timer>,
    sequence: u64,
    last_id: u32,
}

impl Timers {
    /// Schedules `callback(...args)` for `delay` from now (and every `delay` after that, if it
    /// `repeats`) on behalf of `request`; returns the timer's id.
    pub(crate) fn add(
        &mut self,
        callback: Persistent<Function<'static>>,
        args: Vec<Persistent<Value<'static>>>,
        repeats: bool,
        delay: Duration,
        request: Option<u64>,
    ) -> u32 {
        let timer = Timer {
            callback,
            args,
            repeat: repeats.then_some(delay),
            due: (Instant::now(), 0),
            request,
        };
        self.schedule(None, timer, delay)
    }

    fn schedule(&mut self, timer_id: Option<u32>, mut timer: Timer, delay: Duration) -> u32 {
        let id = timer_id.unwrap_or_else(|| {
            self.last_id = self.last_id.wrapping_add(1).max(1);
            self.last_id
        });
        self.sequence += 1;
        timer.due = (Instant::now() + delay, self.sequence);
        self.queue.insert(timer.due, id);
        self.entries.insert(id, timer);
        id
    }

    /// Cancels timer `id` (nothing if there is none).
    pub(crate) fn cancel(&mut self, id: u32) {
        if let Some(timer) = self.entries.remove(&id) {
            self.queue.remove(&timer.due);
        }
    }

    /// When the earliest timer is due.
    pub(crate) fn next_due(&self) -> Option<Instant> {
        self.queue.keys().next().map(|(due, _)| *due)
    }

    /// Takes the earliest timer if it is due at `now`; a repeating one is rescheduled first
    /// (so `clearInterval` inside its callback still works).
    pub(crate) fn take_due(&mut self, now: Instant) -> Option<Due> {
        let (&key, &id) = self.queue.iter().next()?;
        if key.0 > now {
            return None;
        }
        self.queue.remove(&key);
        let timer = self.entries.remove(&id)?;
        let due = Due {
            callback: timer.callback.clone(),
            args: timer.args.clone(),
            request: timer.request,
        };
        if let Some(every) = timer.repeat {
            self.schedule(Some(id), timer, every);
        }
        Some(due)
    }

    /// Cancels every timer that `request` scheduled (its work is over).
    pub(crate) fn cancel_request(&mut self, request: u64) {
        let ids: Vec<u32> = self
            .entries
            .iter()
            .filter(|(_, t)| t.request == Some(request))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.cancel(id);
        }
    }

    /// Whether any timer is scheduled.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops every callback (before the runtime goes away).
    pub(crate) fn clear(&mut self) {
        self.queue.clear();
        self.entries.clear();
    }
}
