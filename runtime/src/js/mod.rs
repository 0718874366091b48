//! The parts of the Web platform written in JavaScript. Each file is one function expression
//! `(function (internal) { ... })`, evaluated on every new isolate in the order listed and
//! called with the `internal` object that native code filled in first; what a file defines
//! for sites it sets on `globalThis`, what it shares with later files it sets on `internal`.
//! Nothing named `internal` is reachable from site code.

use rquickjs::context::EvalOptions;
use rquickjs::{Ctx, Function, Object, Result};

/// The prelude files, in evaluation order.
const PRELUDE: &[(&str, &str)] = &[("bootstrap.js", include_str!("bootstrap.js"))];

/// Evaluates the prelude on a fresh context.
pub(crate) fn run_prelude<'js>(ctx: &Ctx<'js>, internal: &Object<'js>) -> Result<()> {
    for (name, source) in PRELUDE {
        let mut options = EvalOptions::default();
        options.global = true;
        options.strict = true;
        options.filename = Some(format!("sitegate:{name}"));
        let setup: Function = ctx.eval_with_options(*source, options)?;
        setup.call::<_, ()>((internal.clone(),))?;
    }
    Ok(())
}
