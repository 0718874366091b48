//! The parts of the Web platform written in JavaScript. Each file is one function expression
//! `(function (internal) { ... })`, evaluated on every new isolate in the order listed and
//! called with the `internal` object that native code filled in first; what a file defines
//! for sites it sets on `globalThis`, what it shares with later files it sets on `internal`.
//! Nothing named `internal` is reachable from site code. `internal.env` is the bindings
//! object of the version (the one its `fetch` handler receives and `cloudflare:workers`
//! exports).

#[cfg(test)]
mod tests;

use rquickjs::context::EvalOptions;
use rquickjs::{Ctx, Error, Function, JsLifetime, Object, Persistent, Result};

/// The `internal` object, kept on the runtime so native code that is not handed it (a module
/// loader, say) can reach it through `internal(ctx)`.
#[derive(JsLifetime)]
pub(crate) struct Internal(Persistent<Object<'static>>);

/// Keeps `internal` for `internal(ctx)`.
pub(crate) fn keep_internal<'js>(ctx: &Ctx<'js>, internal: &Object<'js>) -> Result<()> {
    ctx.store_userdata(Internal(Persistent::save(ctx, internal.clone())))
        .map_err(|_| Error::new_from_js("internal", "userdata"))?;
    Ok(())
}

/// The isolate's `internal` object.
pub(crate) fn internal<'js>(ctx: &Ctx<'js>) -> Result<Object<'js>> {
    let kept = ctx
        .userdata::<Internal>()
        .ok_or_else(|| Error::new_from_js("nothing", "internal object"))?;
    kept.0.clone().restore(ctx)
}

/// Drops the kept `internal` object (before the runtime goes away).
pub(crate) fn forget_internal(ctx: &Ctx<'_>) {
    let _ = ctx.remove_userdata::<Internal>();
}

/// The prelude files, in evaluation order.
const PRELUDE: &[(&str, &str)] = &[
    ("bootstrap.js", include_str!("bootstrap.js")),
    ("dom_exception.js", include_str!("dom_exception.js")),
    ("events.js", include_str!("events.js")),
    ("stream_common.js", include_str!("stream_common.js")),
    ("writable_stream.js", include_str!("writable_stream.js")),
    ("readable_stream.js", include_str!("readable_stream.js")),
    ("byte_stream.js", include_str!("byte_stream.js")),
    ("pipe.js", include_str!("pipe.js")),
    ("transform_stream.js", include_str!("transform_stream.js")),
    ("text_streams.js", include_str!("text_streams.js")),
    ("stream_internals.js", include_str!("stream_internals.js")),
];

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
