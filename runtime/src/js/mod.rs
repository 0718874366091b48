//! The parts of the Web platform written in JavaScript (the prelude files of `js_sources`). Each
//! file is one function expression `(function (internal) { ... })`, evaluated on every new
//! isolate in the order listed and called with the `internal` object that native code filled
//! in first; what a file defines for sites it sets on `globalThis`, what it shares with later
//! files it sets on `internal`.
//! Nothing named `internal` is reachable from site code. `internal.env` is the bindings
//! object of the version (the one its `fetch` handler receives and `cloudflare:workers`
//! exports).

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use rquickjs::{Ctx, Error, Function, JsLifetime, Object, Persistent, Result};

use crate::bytecode::{self, Bytecode, Loaded};
use crate::js_sources::{sources, Role};

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
    let modules: Vec<(String, String)> = sources(Role::Prelude)
        .chain(sources(Role::PreludeLoader))
        .map(|file| {
            (
                format!("sitegate:{}", file.name),
                format!("export default {}", file.text),
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
