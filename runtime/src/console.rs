//! Where `console` output goes: the gateway's log (tracing), tagged with the site, at the level
//! of the method called. The formatting is done in `js/console.js`.

use std::rc::Rc;

use rquickjs::{Ctx, Function, Object, Result};

use crate::host::Host;
use crate::secret::redact;

/// Defines `internal.log(level, text)` (levels: 0 debug, 1 info, 2 warn, 3 error).
pub(crate) fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>, host: &Rc<Host>) -> Result<()> {
    let host = host.clone();
    let log = Function::new(ctx.clone(), move |level: i32, text: String| {
        let label = host.label.borrow();
        let site = label.as_str();
        let text = redact(&host.secrets.borrow(), &text);
        match level {
            0 => tracing::debug!(target: "sitegate::worker", site, "{text}"),
            1 => tracing::info!(target: "sitegate::worker", site, "{text}"),
            2 => tracing::warn!(target: "sitegate::worker", site, "{text}"),
            _ => tracing::error!(target: "sitegate::worker", site, "{text}"),
        }
    })?;
    internal.set("log", log)
}
