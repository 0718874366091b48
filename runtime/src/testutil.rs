//! What the runtime's unit tests share: a fresh isolate on an empty directory (bare, with a
//! site's files or with its bindings), the prelude's `internal` object made reachable from a test script, and
//! scripts run to the string they give.

use std::path::Path;
use std::sync::Arc;

use tempfile::TempDir;

use crate::{Bindings, Isolate, Limits, SiteSetup};

/// A fresh isolate under `limits` on an empty directory (which must outlive it).
pub(crate) fn isolate(limits: Limits) -> (TempDir, Isolate) {
    let dir = tempfile::tempdir().unwrap();
    let isolate = Isolate::new(dir.path(), limits).unwrap();
    (dir, isolate)
}

/// A fresh isolate on a directory holding `files` (path, text; folders made as needed).
pub(crate) fn site(files: &[(&str, &str)]) -> (TempDir, Isolate) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let isolate = Isolate::new(dir.path(), Limits::default()).unwrap();
    (dir, isolate)
}

/// An isolate rooted at `root` whose `env` holds `bindings`.
pub(crate) fn with_bindings(root: &Path, bindings: Bindings) -> Isolate {
    let site = SiteSetup {
        bindings: Arc::new(bindings),
        ..SiteSetup::default()
    };
    Isolate::with_site(root, Limits::default(), site).unwrap()
}

/// Makes the prelude's `internal` object a global of `js` (to test what the prelude shares
/// with later files).
pub(crate) fn expose_internal(js: &Isolate) {
    js.with_ctx(|ctx| ctx.globals().set("internal", crate::js::internal(&ctx)?))
        .unwrap();
}

/// The string `source` (a script) evaluates to, on a fresh isolate.
pub(crate) fn eval(source: &str) -> String {
    let (_dir, js) = isolate(Limits::default());
    js.eval::<String>(source)
        .unwrap_or_else(|e| panic!("{e}\n{source}"))
}

/// The string `body` (an async function body) returns, on a fresh isolate.
pub(crate) fn run(body: &str) -> String {
    let (_dir, js) = isolate(Limits::default());
    run_on(&js, body)
}

/// The string `body` (an async function body) returns, on `js`.
pub(crate) fn run_on(js: &Isolate, body: &str) -> String {
    js.eval_async::<String>(body)
        .unwrap_or_else(|e| panic!("{e}\n{body}"))
}

/// `"Name: message"` of what `expression` throws, or `"no error"`.
pub(crate) fn thrown(expression: &str) -> String {
    eval(&format!(
        "try {{ {expression}; 'no error' }} catch (e) {{ e.name + ': ' + e.message }}"
    ))
}
