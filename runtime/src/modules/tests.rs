//! Module resolution inside the version directory, and refused imports: a plain `Error` as on
//! workerd for the site, a `RuntimeError::Module` for an entry whose graph cannot load.

use super::resolve;
use crate::testutil::site;
use crate::{Isolate, Limits, RuntimeError};

#[test]
fn relative_specifiers_resolve_inside_the_root_only() {
    assert_eq!(
        resolve("index.js", "./lib/a.js").as_deref(),
        Some("lib/a.js")
    );
    assert_eq!(resolve("lib/a.js", "../b.js").as_deref(), Some("b.js"));
    assert_eq!(
        resolve("lib/a.js", "./c/../d.js").as_deref(),
        Some("lib/d.js")
    );
    assert_eq!(resolve("index.js", "../secret.js"), None, "above the root");
    assert_eq!(resolve("lib/a.js", "../../x.js"), None);
    assert_eq!(resolve("index.js", "/etc/passwd"), None, "absolute");
    assert_eq!(
        resolve("index.js", "lodash"),
        None,
        "bare specifiers are not files"
    );
    assert_eq!(resolve("index.js", "./a\0.js"), None);
}

/// An isolate on a directory holding `files`, and what loading `index.js` gave.
fn load(files: &[(&str, &str)]) -> (tempfile::TempDir, Isolate, Result<(), RuntimeError>) {
    let (dir, js) = site(files);
    let loaded = js.load_entry("index.js");
    (dir, js, loaded)
}

/// What a failed `import(specifier)` throws, from `lib/importer.js`: its name, whether its
/// constructor is `Error` itself, and its message (the same as workerd's).
fn dynamic_import_failure(specifier: &str) -> String {
    let importer = format!(
        "export async function attempt() {{ try {{ await import({specifier:?}); return 'loaded'; }} \
         catch (e) {{ return JSON.stringify([e.name, e.constructor === Error, e.message]); }} }}"
    );
    let (_dir, js, loaded) = load(&[
        ("lib/importer.js", &importer),
        (
            "index.js",
            "import { attempt } from './lib/importer.js'; globalThis.attempt = attempt; \
             export default { fetch() {} };",
        ),
    ]);
    loaded.unwrap();
    js.eval_async::<String>("return await attempt();").unwrap()
}

#[test]
fn a_missing_module_is_a_plain_error_as_on_workerd() {
    assert_eq!(
        dynamic_import_failure("./missing.js"),
        r#"["Error",true,"No such module \"lib/missing.js\"."]"#
    );
    assert_eq!(
        dynamic_import_failure("../routes/nope.js"),
        r#"["Error",true,"No such module \"routes/nope.js\"."]"#
    );
}

#[test]
fn unknown_bare_and_node_names_are_plain_errors_too() {
    assert_eq!(
        dynamic_import_failure("lodash"),
        r#"["Error",true,"No such module \"lodash\"."]"#
    );
    assert_eq!(
        dynamic_import_failure("node:nosuch"),
        r#"["Error",true,"No such module \"node:nosuch\"."]"#
    );
}

#[test]
fn a_failed_import_can_be_retried_and_fails_the_same_way() {
    let (_dir, js, loaded) = load(&[(
        "index.js",
        "const tries = []; \
         for (let i = 0; i < 2; i++) { try { await import('./gone.js'); } catch (e) { tries.push(e.message); } } \
         globalThis.tries = JSON.stringify(tries); export default { fetch() {} };",
    )]);
    loaded.unwrap();
    assert_eq!(
        js.eval::<String>("tries").unwrap(),
        r#"["No such module \"gone.js\".","No such module \"gone.js\"."]"#
    );
}

#[test]
fn an_entry_whose_graph_misses_a_file_is_a_module_error() {
    let (_dir, _js, loaded) = load(&[
        (
            "index.js",
            "import f from './lib/a.js'; export default { fetch: f };",
        ),
        ("lib/a.js", "import g from './gone.js'; export default g;"),
    ]);
    match loaded {
        Err(RuntimeError::Module {
            specifier, reason, ..
        }) => {
            assert_eq!(specifier, "lib/gone.js");
            assert!(reason.contains("No such file"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let (_dir, _js, loaded) = load(&[(
        "index.js",
        "await import('./later.js'); export default { fetch() {} };",
    )]);
    assert!(
        matches!(loaded, Err(RuntimeError::Module { ref specifier, .. }) if specifier == "later.js"),
        "an uncaught top-level import: {loaded:?}"
    );
}

#[test]
fn a_worker_error_after_a_caught_refusal_stays_the_workers_own() {
    let (_dir, _js, loaded) = load(&[(
        "index.js",
        "try { await import('./gone.js'); } catch {} throw new Error('mine'); \
         export default { fetch() {} };",
    )]);
    match loaded {
        Err(RuntimeError::Exception(detail)) => assert!(detail.contains("mine"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

/// A site directory beside a folder outside it holding `secret.js`, with `links` (name in
/// the site, target) made as symlinks before `index.js` is loaded.
fn load_with_links(
    index: &str,
    links: &[(&str, &str)],
) -> (tempfile::TempDir, Isolate, Result<(), RuntimeError>) {
    let tmp = tempfile::tempdir().unwrap();
    let (site, outside) = (tmp.path().join("site"), tmp.path().join("other"));
    std::fs::create_dir_all(site.join("lib")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.js"), "export default 'CANARY';").unwrap();
    std::fs::write(site.join("lib/real.js"), "export default 'inside';").unwrap();
    std::fs::write(site.join("index.js"), index).unwrap();
    for (name, target) in links {
        let target = target.replace("$OUT", outside.to_str().unwrap());
        std::os::unix::fs::symlink(target, site.join(name)).unwrap();
    }
    let js = Isolate::new(&site, Limits::default()).unwrap();
    let loaded = js.load_entry("index.js");
    (tmp, js, loaded)
}

#[test]
fn a_module_linked_out_of_the_root_is_never_read() {
    let (_tmp, _js, loaded) = load_with_links(
        "import s from './leak.js'; export default { fetch() { return s; } };",
        &[("leak.js", "$OUT/secret.js")],
    );
    match loaded {
        Err(RuntimeError::Module {
            specifier, reason, ..
        }) => {
            assert_eq!(specifier, "leak.js");
            assert!(reason.contains("outside"), "{reason}");
        }
        other => panic!("a file link out of the root loaded: {other:?}"),
    }
    // A folder linked out of the root, which the resolver cannot see: the open refuses it.
    let (_tmp, js, loaded) = load_with_links(
        "globalThis.got = await import('./out/secret.js').then(m => m.default, e => e.message); \
         export default { fetch() {} };",
        &[("out", "../other")],
    );
    loaded.unwrap();
    assert_eq!(
        js.eval::<String>("got").unwrap(),
        r#"No such module "out/secret.js"."#
    );
}

#[test]
fn a_link_to_a_module_inside_the_root_loads() {
    let (_tmp, js, loaded) = load_with_links(
        "import v from './alias.js'; globalThis.v = v; export default { fetch() {} };",
        &[("alias.js", "lib/real.js")],
    );
    loaded.unwrap();
    assert_eq!(js.eval::<String>("v").unwrap(), "inside");
}
