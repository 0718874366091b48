use std::time::Duration;

use super::{Isolate, Limits};
use crate::testutil::isolate;
use crate::RuntimeError;

#[test]
fn sec_20_an_infinite_loop_is_stopped_at_the_cpu_budget_and_the_isolate_survives() {
    let (_dir, js) = isolate(Limits {
        cpu_per_call: Duration::from_millis(30),
        ..Limits::default()
    });
    let err = js.eval::<()>("while (true) {}").unwrap_err();
    assert!(
        matches!(err, RuntimeError::CpuBudget { budget_ms: 30 }),
        "{err}"
    );
    assert_eq!(
        js.eval::<i32>("6 * 7").unwrap(),
        42,
        "the next call runs normally"
    );
}

#[test]
fn sec_20_a_memory_bomb_is_stopped_at_the_memory_limit() {
    let (_dir, js) = isolate(Limits {
        memory_bytes: 16 << 20,
        cpu_per_call: Duration::from_secs(10),
        ..Limits::default()
    });
    let err = js
        .eval::<()>("const hoard = []; while (true) hoard.push(new Array(100000).fill(1.5));")
        .unwrap_err();
    assert!(matches!(err, RuntimeError::Memory { .. }), "{err}");
    assert_eq!(js.eval::<i32>("1 + 1").unwrap(), 2);
}

#[test]
fn sec_20_a_string_bomb_is_a_memory_failure_even_when_no_error_object_fits() {
    // Big strings fill the heap so fully that the engine throws `null` instead of an error.
    let (_dir, js) = isolate(Limits {
        memory_bytes: 16 << 20,
        cpu_per_call: Duration::from_secs(10),
        ..Limits::default()
    });
    let err = js
        .eval::<()>("(() => { const keep = []; const block = 'x'.repeat(1 << 20); for (;;) keep.push(block + keep.length); })()")
        .unwrap_err();
    assert!(matches!(err, RuntimeError::Memory { .. }), "{err}");
    assert_eq!(js.eval::<i32>("1 + 1").unwrap(), 2);
}

#[test]
fn sec_20_runaway_recursion_is_stopped_at_the_stack_limit() {
    let (_dir, js) = isolate(Limits::default());
    let err = js
        .eval::<i32>("function down(n) { return down(n + 1) + 1 } down(0)")
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("Maximum call stack size exceeded"), "{text}");
    assert_eq!(js.eval::<i32>("2 + 2").unwrap(), 4);
}

#[test]
fn the_default_stack_holds_a_thousand_nested_calls() {
    // Server-side React nests a call chain per component level: a page of a framework such
    // as vinext is a few hundred calls deep (the debug build runs the engine optimized too).
    let (_dir, js) = isolate(Limits::default());
    let depth = js
        .eval::<i32>("function down(n) { return n === 0 ? 0 : 1 + down(n - 1) } down(1000)")
        .unwrap();
    assert_eq!(depth, 1000);
}

fn write(dir: &std::path::Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_module_graph_loads_through_relative_imports() {
    let (dir, js) = isolate(Limits::default());
    write(dir.path(), "index.js", "import { greet } from './lib/greet.js';\nexport default { fetch() { return greet('world') } };");
    write(
        dir.path(),
        "lib/greet.js",
        "import { prefix } from '../words.js';\nexport function greet(n) { return prefix + n }",
    );
    write(dir.path(), "words.js", "export const prefix = 'hello ';");
    js.load_entry("index.js").unwrap();
}

#[test]
fn an_entry_without_a_fetch_handler_is_refused() {
    let (dir, js) = isolate(Limits::default());
    write(dir.path(), "index.js", "export default { notFetch() {} };");
    assert!(js.load_entry("index.js").is_err());
}

#[test]
fn sec_19_imports_cannot_leave_the_version_directory() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("version");
    write(&root, "placeholder.js", "");
    write(outer.path(), "secret.js", "export default { fetch() {} };");
    let js = Isolate::new(&root, Limits::default()).unwrap();
    for (file, source) in [
        ("up.js", "import s from '../secret.js'; export default s;"),
        (
            "abs.js",
            &format!(
                "import s from '{}'; export default s;",
                outer.path().join("secret.js").display()
            ),
        ),
        ("bare.js", "import s from 'secret'; export default s;"),
    ] {
        write(&root, file, source);
        let err = js.load_entry(file).unwrap_err().to_string();
        assert!(
            err.contains("only relative imports inside the site's own files"),
            "{file}: {err}"
        );
    }
    std::os::unix::fs::symlink(outer.path().join("secret.js"), root.join("link.js")).unwrap();
    write(
        &root,
        "via-link.js",
        "import s from './link.js'; export default s;",
    );
    let err = js.load_entry("via-link.js").unwrap_err().to_string();
    assert!(err.contains("outside the site's directory"), "{err}");
}

#[test]
fn eval_async_runs_microtasks_and_timers_in_order() {
    let (_dir, js) = isolate(Limits::default());
    let order: String = js
        .eval_async(
            r#"
            const seen = [];
            setTimeout(() => seen.push("t20"), 20);
            const id = setTimeout(() => seen.push("cancelled"), 5);
            clearTimeout(id);
            setTimeout((a, b) => seen.push("t0" + a + b), 0, "x", "y");
            queueMicrotask(() => seen.push("micro"));
            let ticks = 0;
            await new Promise((done) => {
              const every = setInterval(() => {
                ticks += 1;
                if (ticks === 3) { clearInterval(every); done(); }
              }, 1);
            });
            await new Promise((done) => setTimeout(done, 25));
            return seen.join(",") + ";" + ticks;
            "#,
        )
        .unwrap();
    assert_eq!(order, "micro,t0xy,t20;3");
}

#[test]
fn eval_async_reports_a_rejection_and_a_promise_that_cannot_settle() {
    let (_dir, js) = isolate(Limits::default());
    let err = js
        .eval_async::<()>("throw new TypeError('nope')")
        .unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    let err = js
        .eval_async::<()>("await new Promise(() => {})")
        .unwrap_err();
    assert!(err.to_string().contains("never settle"), "{err}");
}

#[test]
fn the_runtime_identifies_as_cloudflare_workers() {
    let (_dir, js) = isolate(Limits::default());
    let agent: String = js.eval("navigator.userAgent").unwrap();
    assert_eq!(agent, "Cloudflare-Workers");
}

#[test]
fn modules_are_compiled_once_and_a_changed_file_is_compiled_again() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("index.js");
    std::fs::write(
        &entry,
        "export default { fetch() {} }; globalThis.answer = 1;",
    )
    .unwrap();
    let entry = entry.canonicalize().unwrap();
    assert!(!crate::bytecode::is_cached("index.js", &entry));
    let first = Isolate::new(dir.path(), Limits::default()).unwrap();
    first.load_entry("index.js").unwrap();
    assert!(crate::bytecode::is_cached("index.js", &entry));
    let second = Isolate::new(dir.path(), Limits::default()).unwrap();
    second.load_entry("index.js").unwrap();
    assert_eq!(
        second.eval::<i32>("answer").unwrap(),
        1,
        "loaded from bytecode"
    );

    std::fs::write(
        &entry,
        "export default { fetch() {} }; globalThis.answer = 22;",
    )
    .unwrap();
    assert!(!crate::bytecode::is_cached("index.js", &entry));
    let third = Isolate::new(dir.path(), Limits::default()).unwrap();
    third.load_entry("index.js").unwrap();
    assert_eq!(
        third.eval::<i32>("answer").unwrap(),
        22,
        "the new file's code"
    );
}

#[test]
fn a_site_error_that_only_says_out_of_memory_is_not_a_memory_failure() {
    let (_dir, js) = isolate(Limits::default());
    let error = js
        .eval::<()>("throw new Error('out of memory')")
        .unwrap_err();
    assert!(matches!(error, RuntimeError::Exception(_)), "{error:?}");
}

#[test]
fn compiling_a_module_a_call_imports_is_not_charged_to_the_call_but_its_top_level_code_is() {
    let (dir, js) = isolate(Limits {
        cpu_per_call: Duration::from_millis(5),
        ..Limits::default()
    });
    // A function body of some 4 MB: compiling it takes far more than 5 ms, instantiating the
    // module (one closure, never called) almost nothing.
    let body: String = (0..200_000).map(|i| format!("x += {i};\n")).collect();
    let big = format!("function unused() {{ let x = 0;\n{body}return x; }}\nexport const answer = 42;\nexport {{ unused }};\n");
    write(dir.path(), "big.js", &big);
    write(
        dir.path(),
        "spin.js",
        "const end = Date.now() + 200; while (Date.now() < end) {}\nexport const done = true;\n",
    );
    write(
        dir.path(),
        "index.js",
        "globalThis.load = (name) => import(name);\nexport default { fetch() {} };\n",
    );
    js.load_entry("index.js").unwrap();
    let answer = js.eval_async::<i32>("return (await load('./big.js')).answer;");
    assert_eq!(answer.unwrap(), 42);
    let err = js
        .eval_async::<bool>("return (await load('./spin.js')).done;")
        .unwrap_err();
    assert!(matches!(err, RuntimeError::CpuBudget { .. }), "{err}");
}

#[test]
fn sec_26_a_loop_of_awaits_is_stopped_at_the_cpu_budget_with_async_hooks_loaded() {
    for body in [
        "for (;;) { await null; }",
        "await storage.run(1, async () => { for (;;) { await null; } });",
        // The interrupt stops each spinning job; the loop around it goes on with a new one.
        "const spin = async () => { for (;;) {} };\nfor (;;) { await spin().catch(() => {}); }",
    ] {
        // On its own thread, so that a loop the budget does not stop fails the test instead
        // of hanging it.
        let (done, outcome) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (dir, js) = isolate(Limits {
                cpu_per_call: Duration::from_millis(30),
                ..Limits::default()
            });
            write(
                dir.path(),
                "index.js",
                "import { AsyncLocalStorage } from 'node:async_hooks';\n\
                 globalThis.storage = new AsyncLocalStorage();\n\
                 export default { fetch() {} };\n",
            );
            js.load_entry("index.js").unwrap();
            let _ = done.send(js.eval_async::<()>(body));
        });
        let outcome = outcome
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("{body}: not stopped within 30 s"));
        let err = outcome.unwrap_err();
        assert!(
            matches!(err, RuntimeError::CpuBudget { .. }),
            "{body}: {err}"
        );
    }
}
