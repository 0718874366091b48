//! Built-in modules, imported by a site module on a real isolate; expected values come from
//! running the same code on workerd (nodejs_compat, compatibility date 2025-11-01) or Node.

mod async_hooks;
mod buffer;
mod modules;
mod node;

use crate::{Isolate, Limits};

/// Loads `source` as the entry module of a fresh isolate (it must export a `fetch` handler)
/// and then evaluates `body` as an async function over what the module left in
/// `globalThis.t`, returning its string.
fn run_module(source: &str, body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.js"), source).unwrap();
    let js = Isolate::new(dir.path(), Limits::default()).unwrap();
    js.load_entry("index.js").unwrap();
    js.eval_async::<String>(body).unwrap()
}

/// Imports `imports` (a module's import lines), exposes `t` from them, and runs `body` with `t`
/// in scope as an async function returning a string.
fn with_imports(imports: &str, exposed: &str, body: &str) -> String {
    let source = format!(
        "{imports}\nglobalThis.t = {{ {exposed} }};\nexport default {{ fetch() {{}} }};"
    );
    run_module(&source, &format!("const {{ {exposed} }} = globalThis.t;\n{body}"))
}
