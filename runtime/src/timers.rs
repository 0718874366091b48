//! Timers: `setTimeout`, `setInterval`, `clearTimeout` and `clearInterval`, scheduling on the
//! host's timer queue on behalf of the request whose turn is running.

use std::rc::Rc;
use std::time::Duration;

use rquickjs::function::{Opt, Rest};
use rquickjs::{Ctx, Function, Object, Persistent, Result, Value};

use crate::host::Host;

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
                let callback = Persistent::save(&ctx, callback);
                let args = args
                    .0
                    .into_iter()
                    .map(|a| Persistent::save(&ctx, a))
                    .collect();
                host.timers
                    .borrow_mut()
                    .add(callback, args, repeat, delay, host.current.get())
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
