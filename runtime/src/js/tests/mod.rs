//! Tests of the JavaScript prelude's Web APIs, run on a real isolate.

mod body;
mod dom_exception;
mod events;
mod readable;
mod structured_clone;
mod transform;
mod writable;

use rquickjs::promise::PromiseState;
use rquickjs::{Context, Object, Persistent, Promise, Runtime};

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

/// Runs `body` as an async function on a bare context with the prelude, where the prelude's
/// `internal` object is a global (to test what the prelude shares with later files), and
/// returns the string it returns. No timers: the body must settle on microtasks alone.
fn run_with_internal(body: &str) -> String {
    // Declared first, dropped last: the runtime reads the prelude's bytecode in place.
    let loaded = crate::bytecode::Loaded::default();
    let runtime = Runtime::new().unwrap();
    let context = Context::full(&runtime).unwrap();
    let promise = context.with(|ctx| {
        let internal = Object::new(ctx.clone()).unwrap();
        crate::js::run_prelude(&ctx, &internal, &loaded).unwrap();
        ctx.globals().set("internal", internal).unwrap();
        let promise: Promise = ctx.eval(format!("(async () => {{\n{body}\n}})()")).unwrap();
        Persistent::save(&ctx, promise)
    });
    while runtime.is_job_pending() {
        runtime.execute_pending_job().unwrap();
    }
    context.with(|ctx| {
        let promise = promise.restore(&ctx).unwrap();
        match promise.state() {
            PromiseState::Resolved => promise.result::<String>().unwrap().unwrap(),
            state => panic!("the body did not resolve: {state:?}"),
        }
    })
}
