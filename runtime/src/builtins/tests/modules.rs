//! How site code reaches the built-ins: by name with or without `node:` as workerd allows,
//! never `sitegate:internal`, and unknown `node:` names fail as on workerd.

use crate::testutil::site;
use crate::Isolate;

/// An isolate on a directory holding `files`, with `index.js` loaded.
fn load(files: &[(&str, &str)]) -> Result<(tempfile::TempDir, Isolate), String> {
    let (dir, js) = site(files);
    js.load_entry("index.js").map_err(|e| e.to_string())?;
    Ok((dir, js))
}

#[test]
fn bare_and_prefixed_names_are_the_same_module() {
    let (_dir, js) = load(&[(
        "index.js",
        "import * as a from 'buffer'; import * as b from 'node:buffer';
         import * as c from 'node:path/posix'; import d from 'path';
         import * as e from 'events'; import * as f from 'node:events';
         globalThis.same = a === b && c.join === d.join && e === f && a.Buffer === Buffer;
         export default { fetch() {} };",
    )])
    .unwrap();
    assert!(js.eval::<bool>("same").unwrap());
}

#[test]
fn site_code_cannot_import_the_internal_module() {
    for source in [
        "import internal from 'sitegate:internal'; export default { fetch() {} };",
        "import internal from './sitegate:internal'; export default { fetch() {} };",
    ] {
        let err = load(&[("index.js", source), ("sitegate:internal", "")])
            .err()
            .unwrap();
        assert!(err.contains("only relative imports"), "{source}: {err}");
    }
    let err = load(&[(
        "index.js",
        "export default { async fetch() {} }; await import('sitegate:internal');",
    )])
    .err()
    .unwrap();
    assert!(err.contains("only relative imports"), "{err}");
}

#[test]
fn an_unknown_node_module_fails_as_on_workerd() {
    let err = load(&[(
        "index.js",
        "import x from 'node:nope'; export default { fetch() {} };",
    )])
    .err()
    .unwrap();
    assert!(
        err.contains("cannot load module \"node:nope\"") && err.contains("no such built-in"),
        "{err}"
    );
}

#[test]
fn cloudflare_workers_env_is_the_env_handlers_receive() {
    let (_dir, js) = load(&[(
        "index.js",
        "import { env, WorkerEntrypoint } from 'cloudflare:workers';
         globalThis.env = env;
         export default class extends WorkerEntrypoint { fetch() {} };",
    )])
    .unwrap();
    let same = js
        .with_ctx(|ctx| {
            let internal = crate::js::internal(&ctx)?;
            let env: rquickjs::Value = internal.get("env")?;
            internal
                .get::<_, rquickjs::Object>("env")?
                .set("GREETING", "hello")?;
            let global: rquickjs::Value = ctx.globals().get("env")?;
            Ok(env == global)
        })
        .unwrap();
    assert!(same);
    assert_eq!(
        js.eval::<String>("process.env.GREETING + ':' + JSON.stringify(process.env)")
            .unwrap(),
        "hello:{\"GREETING\":\"hello\"}",
        "process.env shows the string bindings as they are now"
    );
}
