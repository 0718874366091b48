//! The parts of the Web platform written in JavaScript. Each file is one function expression
//! `(function (internal) { ... })`, evaluated on every new isolate in the order listed and
//! called with the `internal` object that native code filled in first; what a file defines
//! for sites it sets on `globalThis`, what it shares with later files it sets on `internal`.
//! Nothing named `internal` is reachable from site code. `internal.env` is the bindings
//! object of the version (the one its `fetch` handler receives and `cloudflare:workers`
//! exports).

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use rquickjs::{Ctx, Error, Function, JsLifetime, Object, Persistent, Result};

use crate::bytecode::{self, Bytecode, Loaded};

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
    ("console.js", include_str!("console.js")),
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
    ("identity_stream.js", include_str!("identity_stream.js")),
    ("blob.js", include_str!("blob.js")),
    ("form_data.js", include_str!("form_data.js")),
    ("mime_type.js", include_str!("mime_type.js")),
    ("multipart.js", include_str!("multipart.js")),
    ("body.js", include_str!("body.js")),
    ("request.js", include_str!("request.js")),
    ("response.js", include_str!("response.js")),
    ("intl.js", crate::intl::GLUE),
    ("crypto_keys.js", crate::web::crypto::KEYS_GLUE),
    ("crypto.js", crate::web::crypto::GLUE),
    ("fetch.js", include_str!("fetch.js")),
    ("assets.js", include_str!("assets.js")),
    ("r2_options.js", include_str!("r2_options.js")),
    ("r2.js", include_str!("r2.js")),
    ("structured_clone.js", include_str!("structured_clone.js")),
    ("dispatch.js", include_str!("dispatch.js")),
    ("d1.js", include_str!("d1.js")),
];

/// Makes the globals natives defined so far non-enumerable, as workerd's are.
pub(crate) fn hide_native_globals(ctx: &Ctx<'_>) -> Result<()> {
    let globals = ctx.globals();
    let names: Vec<String> = globals.keys::<String>().collect::<Result<_>>()?;
    let object: Object = globals.get("Object")?;
    let define: Function = object.get("defineProperty")?;
    for name in names {
        let hidden = Object::new(ctx.clone())?;
        hidden.set("enumerable", false)?;
        define.call::<_, ()>((globals.clone(), name, hidden))?;
    }
    Ok(())
}

/// The prelude compiled to bytecode, once per process, and `lazy.js` after it.
fn compiled_prelude() -> Result<&'static [Bytecode]> {
    static COMPILED: OnceLock<Vec<Bytecode>> = OnceLock::new();
    if let Some(compiled) = COMPILED.get() {
        return Ok(compiled);
    }
    // Each file's function expression becomes the default export of a module.
    let modules: Vec<(String, String)> = PRELUDE
        .iter()
        .chain([&("lazy.js", include_str!("lazy.js"))])
        .map(|(name, source)| {
            (
                format!("sitegate:{name}"),
                format!("export default {source}"),
            )
        })
        .collect();
    let compiled = bytecode::compile_apart(&modules)?;
    Ok(COMPILED.get_or_init(|| compiled))
}

/// What the first isolate's survey of the prelude found (see `lazy.js`), as JSON.
static SURVEY: OnceLock<String> = OnceLock::new();

/// The default export of compiled prelude module `code`.
fn setup_function<'js>(ctx: &Ctx<'js>, code: &Bytecode, loaded: &Loaded) -> Result<Function<'js>> {
    let (module, evaluated) = bytecode::load(ctx, code, loaded)?.eval()?;
    evaluated.finish::<()>()?;
    module.namespace()?.get("default")
}

/// Sets the prelude up on a fresh context whose `internal` object is kept (`keep_internal`):
/// the first isolate of the process evaluates every file and surveys what each defines;
/// later isolates get stand-ins that evaluate a file when something it defines is first used.
pub(crate) fn run_prelude<'js>(ctx: &Ctx<'js>, loaded: &Loaded) -> Result<()> {
    let compiled = compiled_prelude()?;
    let (lazy, files) = compiled
        .split_last()
        .ok_or_else(|| Error::new_from_js("nothing", "prelude"))?;
    let kept = loaded.clone();
    let run = Function::new(ctx.clone(), move |ctx: Ctx<'js>, i: usize| -> Result<()> {
        let code = files
            .get(i)
            .ok_or_else(|| Error::new_from_js("number", "prelude file"))?;
        setup_function(&ctx, code, &kept)?.call::<_, ()>((internal(&ctx)?,))
    })?;
    let machinery: Object =
        setup_function(ctx, lazy, loaded)?.call((internal(ctx)?, run, files.len()))?;
    match SURVEY.get() {
        Some(survey) => {
            let record = ctx.json_parse(survey.as_str())?;
            machinery.get::<_, Function>("install")?.call((record,))
        }
        None => {
            let record: rquickjs::Value = machinery.get::<_, Function>("survey")?.call(())?;
            if let Some(text) = ctx.json_stringify(record)? {
                let _ = SURVEY.set(text.to_string()?);
            }
            Ok(())
        }
    }
}
