//! Tests of the JavaScript prelude's Web APIs, run on a real isolate.

mod body;
mod dom_exception;
mod events;
mod identity;
mod lazy;
mod readable;
mod structured_clone;
mod transform;
mod writable;

use crate::{Isolate, Limits};

/// A fresh isolate on an empty directory (the directory lives as long as the isolate).
fn isolate() -> (tempfile::TempDir, Isolate) {
    let dir = tempfile::tempdir().unwrap();
    let isolate = Isolate::new(dir.path(), Limits::default()).unwrap();
    (dir, isolate)
}

/// Runs `body` as an async function on a fresh isolate and returns the string it returns.
fn run(body: &str) -> String {
    let (_dir, js) = isolate();
    js.eval_async::<String>(body).unwrap()
}

/// Runs `body` as an async function on a fresh isolate where the prelude's `internal` object
/// is a global (to test what the prelude shares with later files), and returns the string it
/// returns.
fn run_with_internal(body: &str) -> String {
    let (_dir, js) = isolate();
    js.with_ctx(|ctx| ctx.globals().set("internal", crate::js::internal(&ctx)?))
        .unwrap();
    js.eval_async::<String>(body).unwrap()
}
