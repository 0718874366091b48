//! Timers: `setTimeout`, `setInterval`, `clearTimeout` and `clearInterval`. The owner of the
//! isolate fires due timers between turns and sleeps until the next one is due.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::time::{Duration, Instant};

use rquickjs::function::{Opt, Rest};
use rquickjs::{Ctx, Function, Object, Persistent, Result, Value};

use crate::host::Host;

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

    fn cancel(&mut self, id: u32) {
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

/// Defines `setTimeout`, `setInterval`, `clearTimeout` and `clearInterval` on `globals`.
pub(crate) fn install_timers<'js>(
    ctx: &Ctx<'js>,
    globals: &Object<'js>,
    host: &Rc<Host>,
) -> Result<()> {
    for (name, repeat) in [("setTimeout", false), ("setInterval", true)] {
        let host = host.clone();
        let set = Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  callback: Function<'js>,
                  delay: Opt<f64>,
                  args: Rest<Value<'js>>| {
                let ms = delay.0.filter(|d| d.is_finite() && *d > 0.0).unwrap_or(0.0);
                let delay = Duration::from_secs_f64(ms.min(1e10) / 1000.0);
                let timer = Timer {
                    callback: Persistent::save(&ctx, callback),
                    args: args
                        .0
                        .into_iter()
                        .map(|a| Persistent::save(&ctx, a))
                        .collect(),
                    repeat: repeat.then_some(delay),
                    due: (Instant::now(), 0),
                    request: host.current.get(),
                };
                host.timers.borrow_mut().schedule(None, timer, delay)
            },
        )?
        .with_name(name)?;
        globals.set(name, set)?;
    }
    for name in ["clearTimeout", "clearInterval"] {
        let host = host.clone();
        let clear = Function::new(ctx.clone(), move |id: Opt<Value<'js>>| {
            if let Some(id) = id.0.and_then(|v| v.as_number()) {
                host.timers.borrow_mut().cancel(id as u32);
            }
        })?
        .with_name(name)?;
        globals.set(name, clear)?;
    }
    Ok(())
}
