//! Intl checked against the outputs of V8 with full ICU (Node 20 / workerd), per API and
//! locale family. Expected strings were produced once by V8 and pasted here.

use crate::{Isolate, Limits};

fn isolate() -> (tempfile::TempDir, Isolate) {
    let dir = tempfile::tempdir().unwrap();
    let isolate = Isolate::new(dir.path(), Limits::default()).unwrap();
    (dir, isolate)
}

/// Evaluates each expression and compares it with what V8 printed.
fn check(cases: &[(&str, &str)]) {
    let (_dir, js) = isolate();
    let mut failures = Vec::new();
    for (source, expected) in cases {
        match js.eval::<String>(&format!("String({source})")) {
            Ok(actual) if actual == *expected => {}
            Ok(actual) => failures.push(format!(
                "{source}\n  expected {expected:?}\n  actual   {actual:?}"
            )),
            Err(error) => failures.push(format!("{source}\n  threw {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn smoke() {
    check(&[("(1234567.891).toLocaleString('en-US')", "1,234,567.891")]);
}
