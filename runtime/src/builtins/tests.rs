//! Built-in modules, imported by a site module on a real isolate; expected values come from
//! running the same code on workerd (nodejs_compat, compatibility date 2025-11-01) or Node.

mod async_hooks;
mod buffer;
mod modules;
mod node;

use crate::testutil::site;

/// Loads `fixture` (a module exporting `async check()`, which answers JSON) as the entry of
/// a fresh isolate, runs `check` and compares its answer with `expected` (workerd's answer to
/// the same module) field by field, so a failure names the field.
fn check_fixture(fixture: &str, expected: &str) {
    let source =
        format!("{fixture}\nglobalThis.check = check;\nexport default {{ fetch() {{}} }};");
    let (_dir, js) = site(&[("index.js", &source)]);
    js.load_entry("index.js").unwrap();
    let fields = |json: &str| -> Vec<String> {
        js.eval::<Vec<String>>(&format!(
            "Object.entries(JSON.parse({json:?})).map(([k, v]) => k + ' = ' + JSON.stringify(v))"
        ))
        .unwrap()
    };
    let answer: String = js.eval_async("return await check();").unwrap();
    let (got, want) = (fields(&answer), fields(expected.trim()));
    for (got, want) in got.iter().zip(&want) {
        assert_eq!(got, want);
    }
    assert_eq!(got.len(), want.len());
}
