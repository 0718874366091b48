//! Helpers for the Web API tests: a fresh isolate per test, scripts evaluated to strings, and
//! the name and message of what a script threw.

use crate::{Isolate, Limits};

/// A fresh isolate (and the directory it is rooted in, which must outlive it).
pub fn isolate() -> (tempfile::TempDir, Isolate) {
    let dir = tempfile::tempdir().unwrap();
    let isolate = Isolate::new(dir.path(), Limits::default()).unwrap();
    (dir, isolate)
}

/// The string a script evaluates to, on a fresh isolate.
pub fn eval(source: &str) -> String {
    let (_dir, js) = isolate();
    js.eval::<String>(source)
        .unwrap_or_else(|e| panic!("{e}\n{source}"))
}

/// `"Name: message"` of what `expression` throws, or `"no error"`.
pub fn thrown(expression: &str) -> String {
    eval(&format!(
        "try {{ {expression}; 'no error' }} catch (e) {{ e.name + ': ' + e.message }}"
    ))
}
