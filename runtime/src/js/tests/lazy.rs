//! The prelude loaded on demand: an isolate after the first one pays only for what its site
//! touches, and what the site does to globals before a file loads is kept.

use crate::testutil::run;

/// Runs `body` on an isolate made after another one, so it gets the on-demand prelude.
fn run_lazily(body: &str) -> String {
    run("return '';");
    run(body)
}

#[test]
fn web_apis_load_when_first_touched() {
    let out = run_lazily(
        r#"
        const loaded = (name) => Object.getOwnPropertyDescriptor(globalThis, name).get === undefined;
        const before = [loaded("crypto"), loaded("ReadableStream"), loaded("Intl")];
        const uuid = crypto.randomUUID();
        return JSON.stringify([before, loaded("crypto"), uuid.length, typeof crypto.subtle.digest,
            loaded("Intl"), Object.getOwnPropertyDescriptor(globalThis, "crypto").enumerable]);
    "#,
    );
    assert_eq!(
        out,
        r#"[[false,false,false],true,36,"function",false,true]"#
    );
}

#[test]
fn a_global_the_site_set_first_survives_its_file_loading_later() {
    let out = run_lazily(
        r#"
        globalThis.TransformStream = "mine";
        const stream = new ReadableStream();
        return JSON.stringify([TransformStream, typeof stream.pipeThrough,
            typeof WritableStream, Object.keys(globalThis).includes("TransformStream")]);
    "#,
    );
    assert_eq!(out, r#"["mine","function","function",false]"#);
}

#[test]
fn replaced_language_methods_load_their_file_on_first_call() {
    let out = run_lazily(
        r#"
        const n = (1234.5).toLocaleString("en-US");
        const c = ["b", "a"].sort((x, y) => x.localeCompare(y)).join("");
        Date.prototype.toLocaleDateString = () => "mine";
        new Intl.NumberFormat();
        return [n, c, new Date(0).toLocaleDateString()].join("|");
    "#,
    );
    assert_eq!(out, "1,234.5|ab|mine");
}

#[test]
fn globals_enumerate_as_in_workerd() {
    let out = run_lazily("return Object.keys(globalThis).sort().join(',');");
    assert_eq!(
        out,
        "Buffer,crypto,global,navigator,performance,process,self"
    );
}
