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

use crate::testutil::{expose_internal, isolate, run_on};
use crate::Limits;

/// Runs `body` as an async function on a fresh isolate where the prelude's `internal` object
/// is a global (to test what the prelude shares with later files), and returns the string it
/// returns.
fn run_with_internal(body: &str) -> String {
    let (_dir, js) = isolate(Limits::default());
    expose_internal(&js);
    run_on(&js, body)
}
