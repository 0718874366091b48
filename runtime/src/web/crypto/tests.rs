use std::time::Duration;

use crate::{Isolate, Limits};

/// Runs `body` as an async function on a fresh isolate and returns the string it returns.
/// Elliptic curve arithmetic is slow in unoptimized builds, so the isolate gets a second of CPU.
fn run(body: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        cpu_per_call: Duration::from_secs(1),
        ..Limits::default()
    };
    let js = Isolate::new(dir.path(), limits).unwrap();
    js.eval_async::<String>(body).unwrap_or_else(|e| panic!("{e}\n{body}"))
}

#[test]
fn smoke() {
    assert_eq!(run("return typeof crypto.subtle"), "object");
}

#[test]
#[ignore]
fn compare_with_workerd() {
    let file = std::env::var("CASES").unwrap();
    let source = std::fs::read_to_string(file).unwrap();
    let body = source.replace("export default", "const cases =")
        + r#"
        const out = {};
        for (const [name, fn] of Object.entries(cases)) {
          try { out[name] = await fn(); } catch (e) { out[name] = "THREW " + (e && e.constructor && e.constructor.name) + " " + e.name + ": " + e.message; }
        }
        return JSON.stringify(out, null, 1);"#;
    std::fs::write(std::env::var("OUT").unwrap(), run(&body)).unwrap();
}
