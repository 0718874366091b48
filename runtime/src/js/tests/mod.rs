//! Tests of the JavaScript prelude's Web APIs, run on a real isolate.

mod body;
mod dom_exception;
mod events;

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
