//! Tests of Blob, File, FormData, multipart bodies, Request and Response, run as JavaScript on
//! a real isolate; expected values and error messages are workerd's.

mod blob;
mod form_data;
mod mixin;
mod multipart;
mod request;
mod response;

use super::run_with_internal;
use crate::testutil::run;

/// The string an async function body returns; other values are JSON-encoded.
fn eval(body: &str) -> String {
    run(&as_text(body))
}

/// Like `eval`, with the prelude's `internal` object in scope as `internal`.
fn eval_internal(body: &str) -> String {
    run_with_internal(&as_text(body))
}

/// `body` wrapped to return its result as is if a string, else JSON-encoded.
fn as_text(body: &str) -> String {
    format!(
        "const result = await (async () => {{\n{body}\n}})();\n\
         return typeof result === 'string' ? result : JSON.stringify(result);"
    )
}

/// "Name: message" of what an async function body throws (or rejects with).
fn thrown(body: &str) -> String {
    eval(&format!(
        "try {{ await (async () => {{\n{body}\n}})(); }} \
         catch (e) {{ return `${{e.name}}: ${{e.message}}`; }}\n\
         return 'nothing was thrown';"
    ))
}

/// Defines `mutations(headers)`: what `set`, `append` and `delete` each give ("ok", or
/// "Name: message"), as JSON.
const MUTATIONS: &str =
    "const mutations = (h) => JSON.stringify(['set', 'append', 'delete'].map((m) => { \
     try { h[m]('x-b', 'v'); return 'ok'; } catch (e) { return `${e.name}: ${e.message}`; } }));";

/// What `mutations` gives for immutable headers (workerd's TypeError).
const IMMUTABLE: &str = r#"["TypeError: Can't modify immutable headers.","TypeError: Can't modify immutable headers.","TypeError: Can't modify immutable headers."]"#;

/// What `mutations` gives for mutable headers.
const MUTABLE: &str = r#"["ok","ok","ok"]"#;
