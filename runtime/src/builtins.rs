//! The built-in modules sites import: `cloudflare:workers` and the `nodejs_compat` subset
//! (`node:buffer`, `node:async_hooks`, `node:crypto`, `node:events`, `node:util`, `node:path`,
//! `node:process`, `node:fs`, `node:module`), each reachable as workerd allows it with
//! `nodejs_compat`: with the `node:` prefix or without. Their sources are ES modules compiled to bytecode once per
//! process; they reach the isolate's `internal` object by importing `sitegate:internal`, which
//! only a built-in module may import. `Buffer` and `process` are also globals, as in workerd.

mod async_context;
mod codec;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use rquickjs::module::{Declarations, Declared, Exports, ModuleDef};
use rquickjs::object::{Accessor, Property};
use rquickjs::{Ctx, Error, Function, Module, Object, Result};

use crate::bytecode::{self, Bytecode, Loaded};
use crate::js_sources::{sources, JsSource, Role};

/// The module through which built-ins reach `internal`.
const INTERNAL: &str = "sitegate:internal";

/// The built-in modules, in `js_sources` order.
fn modules() -> impl Iterator<Item = &'static JsSource> {
    sources(Role::Builtin)
}

/// The canonical name of the built-in `specifier` names (`buffer` and `node:buffer` are the
/// same module), or `None` if it names none.
pub(crate) fn canonical(specifier: &str) -> Option<&'static str> {
    let bare = specifier.strip_prefix("node:").unwrap_or(specifier);
    modules()
        .map(|module| module.name)
        .find(|name| *name == specifier || name.strip_prefix("node:").is_some_and(|n| n == bare))
}

/// Whether module `base` may import `sitegate:internal` (only built-ins may).
pub(crate) fn resolve_internal(base: &str, specifier: &str) -> Option<&'static str> {
    (specifier == INTERNAL && canonical(base) == Some(base)).then_some(INTERNAL)
}

/// Whether `name` is what the loader serves as a built-in.
pub(crate) fn is_reserved(name: &str) -> bool {
    name == INTERNAL || canonical(name) == Some(name)
}

/// The built-ins compiled to bytecode, once per process, in `modules()` order.
fn compiled() -> Result<&'static [Bytecode]> {
    static COMPILED: OnceLock<Vec<Bytecode>> = OnceLock::new();
    if let Some(compiled) = COMPILED.get() {
        return Ok(compiled);
    }
    let modules: Vec<(String, String)> = modules()
        .map(|module| (module.name.to_string(), module.text.to_string()))
        .collect();
    let compiled = bytecode::compile_apart(&modules)?;
    Ok(COMPILED.get_or_init(|| compiled))
}

/// Declares the built-in module `name` (a canonical name, or `sitegate:internal`), or `None`
/// if `name` is no built-in.
pub(crate) fn load<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    loaded: &Loaded,
) -> Option<Result<Module<'js, Declared>>> {
    if name == INTERNAL {
        return Some(Module::declare_def::<InternalModule, _>(
            ctx.clone(),
            INTERNAL,
        ));
    }
    let index = modules().position(|module| module.name == name)?;
    Some(compiled().and_then(|all| {
        let code = all
            .get(index)
            .ok_or_else(|| Error::new_loading_message(name, "not compiled"))?;
        bytecode::load(ctx, code, loaded)
    }))
}

/// `sitegate:internal`: its default export is the isolate's `internal` object.
struct InternalModule;

impl ModuleDef for InternalModule {
    fn declare<'js>(decl: &Declarations<'js>) -> Result<()> {
        decl.declare("default")?;
        Ok(())
    }

    fn evaluate<'js>(ctx: &Ctx<'js>, exports: &Exports<'js>) -> Result<()> {
        exports.export("default", crate::js::internal(ctx)?)?;
        Ok(())
    }
}

/// Installs the natives the built-ins use on `internal`, and `internal.builtins` for
/// `node:module`: the canonical `names` and `importNow(specifier)`.
pub(crate) fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>) -> Result<()> {
    codec::install(ctx, internal)?;
    async_context::install(ctx, internal)?;
    let builtins = Object::new(ctx.clone())?;
    let names: Vec<&str> = modules().map(|module| module.name).collect();
    builtins.set("names", names)?;
    builtins.set(
        "importNow",
        Function::new(ctx.clone(), import_now)?.with_name("importNow")?,
    )?;
    internal.set("builtins", builtins)
}

/// The namespace of the built-in `specifier` names, imported and evaluated now (a built-in
/// has no top-level await), or `None` if it names none.
fn import_now<'js>(ctx: Ctx<'js>, specifier: String) -> Result<Option<Object<'js>>> {
    let Some(name) = canonical(&specifier) else {
        return Ok(None);
    };
    Module::import(&ctx, name)?.finish().map(Some)
}

pub(crate) use async_context::hook as promise_hook;

/// The globals workerd's `nodejs_compat` adds: each global's name, the module and the export.
const GLOBALS: [(&str, &str, &str); 2] = [
    ("Buffer", "node:buffer", "Buffer"),
    ("process", "node:process", "default"),
];

/// Defines the globals workerd's `nodejs_compat` adds, `Buffer` and `process`, enumerable as
/// there; each imports its module when first read (an assignment simply replaces it).
pub(crate) fn install_globals<'js>(ctx: &Ctx<'js>) -> Result<()> {
    let globals = ctx.globals();
    for (name, module, export) in GLOBALS {
        let get = move |ctx: Ctx<'js>| -> Result<rquickjs::Value<'js>> {
            let namespace: Object = Module::import(&ctx, module)?.finish()?;
            let value: rquickjs::Value = namespace.get(export)?;
            define_global(&ctx, name, value.clone())?;
            Ok(value)
        };
        let set =
            move |ctx: Ctx<'js>, value: rquickjs::Value<'js>| define_global(&ctx, name, value);
        globals.prop(name, Accessor::new(get, set).configurable().enumerable())?;
    }
    Ok(())
}

fn define_global<'js>(ctx: &Ctx<'js>, name: &str, value: rquickjs::Value<'js>) -> Result<()> {
    let property = Property::from(value).writable().configurable().enumerable();
    ctx.globals().prop(name, property)
}
