//! `env` as a site sees it: vars and secrets on the fetch handler's `env`, on
//! `cloudflare:workers`' `env` and (strings only) on `process.env`.

use crate::testutil::with_bindings;
use crate::{Bindings, Isolate, Secret, Var};

/// An isolate whose `env` holds `bindings`, with `source` loaded as its entry.
fn site_with(bindings: Bindings, source: &str) -> (tempfile::TempDir, Isolate) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.js"), source).unwrap();
    let js = with_bindings(dir.path(), bindings);
    js.load_entry("index.js").unwrap();
    (dir, js)
}

#[test]
fn vars_and_secrets_are_on_env_everywhere_a_site_looks() {
    let bindings = Bindings {
        vars: vec![
            ("GREETING".into(), Var::Text("hello".into())),
            (
                "LIMITS".into(),
                Var::Json(r#"{"max": 3, "tags": ["a"]}"#.into()),
            ),
        ],
        secrets: vec![("API_KEY".into(), Secret("k-123".into()))],
        ..Bindings::default()
    };
    let (_dir, js) = site_with(
        bindings,
        "import { env } from 'cloudflare:workers';\n\
         globalThis.seen = () => JSON.stringify({\n\
           greeting: env.GREETING, max: env.LIMITS.max, tags: env.LIMITS.tags, key: env.API_KEY,\n\
           processKey: process.env.API_KEY, processLimits: process.env.LIMITS ?? null,\n\
           names: Object.keys(env).sort(),\n\
         });\n\
         export default { fetch() { return new Response('ok'); } };",
    );
    let seen: String = js.eval("seen()").unwrap();
    assert_eq!(
        seen,
        r#"{"greeting":"hello","max":3,"tags":["a"],"key":"k-123","processKey":"k-123","processLimits":null,"names":["API_KEY","GREETING","LIMITS"]}"#
    );
}

#[test]
fn a_version_without_bindings_has_an_empty_env() {
    let (_dir, js) = site_with(
        Bindings::default(),
        "import { env } from 'cloudflare:workers';\n\
         globalThis.count = () => Object.keys(env).length;\n\
         export default { fetch() { return new Response('ok'); } };",
    );
    assert_eq!(js.eval::<i32>("count()").unwrap(), 0);
}

#[test]
fn secret_values_are_redacted_from_log_text_but_short_ones_are_left() {
    let bindings = Bindings {
        secrets: vec![
            ("API_KEY".into(), Secret("sk-live-123456".into())),
            ("PIN".into(), Secret("42".into())),
        ],
        ..Bindings::default()
    };
    assert_eq!(
        bindings.redact("calling with sk-live-123456 twice: sk-live-123456 (42)"),
        "calling with [secret API_KEY] twice: [secret API_KEY] (42)"
    );
    assert!(matches!(
        bindings.redact("nothing here"),
        std::borrow::Cow::Borrowed(_)
    ));
}
