use std::path::Path;
use std::time::Duration;

use super::{Pool, PoolOptions, VersionKey};
use crate::{Limits, RuntimeError, WorkerBody, WorkerRequest};

/// A pool of `threads` threads keeping `per_thread` isolates each, with the other options at
/// their defaults.
fn pool(threads: usize, per_thread: usize) -> Pool {
    Pool::new(PoolOptions {
        threads,
        isolates_per_thread: per_thread,
        ..PoolOptions::default()
    })
    .unwrap()
}

/// A version whose entry module is `source` as it stands.
fn worker(dir: &Path, name: &str, source: &str) -> VersionKey {
    let key = site(dir, name, "");
    std::fs::write(key.dir.join("index.js"), source).unwrap();
    key
}

fn get(path: &str) -> WorkerRequest {
    WorkerRequest {
        method: http::Method::GET,
        url: format!("https://site.test{path}"),
        headers: http::HeaderMap::new(),
        body: bytes::Bytes::new(),
    }
}

/// The body of a whole (not streamed) response.
fn text(body: WorkerBody) -> String {
    match body {
        WorkerBody::Full(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
        WorkerBody::Stream(_) => panic!("expected a whole body"),
    }
}

fn site(dir: &Path, name: &str, body: &str) -> VersionKey {
    let root = dir.join(name);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("index.js"),
        format!("{body}\nexport default {{ fetch() {{}} }};"),
    )
    .unwrap();
    VersionKey {
        site: format!("ws/{name}"),
        version: "v1".into(),
        dir: root,
        entry: "index.js".into(),
        limits: Limits::default(),
        outbound: Default::default(),
        bindings: Default::default(),
    }
}

/// Two keys that the pool puts on different threads.
fn on_two_threads(pool: &Pool, dir: &Path, limits: Limits) -> (VersionKey, VersionKey) {
    let first = VersionKey {
        limits,
        ..site(dir, "a", "")
    };
    for n in 0..100 {
        let other = VersionKey {
            limits,
            ..site(dir, &format!("b{n}"), "")
        };
        if pool.thread_of(&other) != pool.thread_of(&first) {
            return (first, other);
        }
    }
    panic!("100 site versions all landed on one thread: the pool does not spread work");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolates_keep_their_state_between_calls() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(2, 8);
    let key = site(dir.path(), "counter", "globalThis.hits = 0;");
    for expected in 1..=3 {
        let hits = pool
            .run(&key, |js| js.eval::<i32>("++globalThis.hits"))
            .await
            .unwrap();
        assert_eq!(hits, expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sec_20_a_looping_site_does_not_stop_a_site_on_another_thread() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        cpu_per_call: Duration::from_secs(3),
        ..Limits::default()
    };
    let pool = std::sync::Arc::new(pool(2, 8));
    let (looping, healthy) = on_two_threads(&pool, dir.path(), limits);
    let (started, running) = tokio::sync::oneshot::channel();
    let spinner = {
        let pool = pool.clone();
        tokio::spawn(async move {
            pool.run(&looping, move |js| {
                let _ = started.send(());
                js.eval::<()>("while (true) {}")
            })
            .await
        })
    };
    running.await.unwrap();
    // The healthy site answers while the looping one is still spinning on its own thread.
    assert_eq!(
        pool.run(&healthy, |js| js.eval::<i32>("1 + 1"))
            .await
            .unwrap(),
        2
    );
    assert!(
        !spinner.is_finished(),
        "the healthy site was served only after the looping one stopped"
    );
    assert!(matches!(
        spinner.await.unwrap(),
        Err(RuntimeError::CpuBudget { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_least_recently_used_isolate_is_evicted_and_comes_back_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(1, 2);
    let keys: Vec<VersionKey> = ["x", "y", "z"]
        .iter()
        .map(|n| site(dir.path(), n, "globalThis.hits = 0;"))
        .collect();
    for key in &keys[..2] {
        pool.run(key, |js| js.eval::<i32>("++globalThis.hits"))
            .await
            .unwrap();
    }
    pool.run(&keys[2], |js| js.eval::<i32>("++globalThis.hits"))
        .await
        .unwrap();
    let first_again = pool
        .run(&keys[0], |js| js.eval::<i32>("++globalThis.hits"))
        .await
        .unwrap();
    assert_eq!(
        first_again, 1,
        "x was evicted (capacity 2) and reloaded from its files"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_that_fails_to_load_reports_why() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(1, 2);
    let key = site(dir.path(), "broken", "import '../escape.js';");
    let err = pool.run(&key, |js| js.eval::<i32>("1")).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("only relative imports inside the site's own files"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolates_beyond_the_memory_share_are_evicted_least_recently_used_first() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Pool::new(PoolOptions {
        threads: 1,
        loaded_memory_bytes: 12 << 20,
        ..PoolOptions::default()
    })
    .unwrap();
    // Each keeps about 4 MiB alive, so two fit and a third does not.
    let keys: Vec<VersionKey> = ["m1", "m2", "m3"]
        .iter()
        .map(|n| {
            let key = site(
                dir.path(),
                n,
                "globalThis.hits = 0; globalThis.ballast = new Uint8Array(4 << 20).fill(1);",
            );
            key
        })
        .collect();
    for key in &keys {
        pool.run(key, |js| js.eval::<i32>("++globalThis.hits"))
            .await
            .unwrap();
    }
    let second = pool
        .run(&keys[1], |js| js.eval::<i32>("++globalThis.hits"))
        .await
        .unwrap();
    let first = pool
        .run(&keys[0], |js| js.eval::<i32>("++globalThis.hits"))
        .await
        .unwrap();
    assert_eq!(second, 2, "m2 stayed loaded");
    assert_eq!(
        first, 1,
        "m1, the least recently used, was evicted to make room for m3"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_isolate_is_dropped_after_the_idle_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Pool::new(PoolOptions {
        threads: 1,
        idle_timeout: Duration::from_millis(100),
        ..PoolOptions::default()
    })
    .unwrap();
    let key = site(dir.path(), "idle", "globalThis.hits = 0;");
    let hit = || pool.run(&key, |js| js.eval::<i32>("++globalThis.hits"));
    assert_eq!(hit().await.unwrap(), 1);
    assert_eq!(
        hit().await.unwrap(),
        2,
        "still loaded right after a request"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        hit().await.unwrap(),
        1,
        "dropped while idle, then loaded afresh"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_until_work_outlives_the_response_and_other_timers_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(1, 8);
    let key = worker(
        dir.path(),
        "after",
        r#"export default {
            fetch(request, env, ctx) {
                if (request.url.endsWith("/wait")) {
                    ctx.waitUntil(new Promise((done) => setTimeout(() => { globalThis.kept = true; done(); }, 50)));
                } else {
                    setTimeout(() => { globalThis.dropped = true; }, 50);
                }
                return new Response("answered");
            },
        };"#,
    );
    for path in ["/wait", "/no-wait"] {
        let response = pool.dispatch(&key, get(path)).await.unwrap();
        assert_eq!(text(response.body), "answered");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = pool
        .run(&key, |js| {
            js.eval::<String>("JSON.stringify([globalThis.kept, globalThis.dropped])")
        })
        .await
        .unwrap();
    assert_eq!(
        seen, "[true,null]",
        "waitUntil work ran after the response; a timer of an answered request was cancelled"
    );
}

/// The chunks of a streamed body, joined, or the error it broke with.
async fn streamed(body: WorkerBody) -> Result<String, String> {
    let WorkerBody::Stream(mut chunks) = body else {
        panic!("expected a streamed body");
    };
    let mut all = Vec::new();
    while let Some(chunk) = chunks.recv().await {
        all.extend_from_slice(&chunk?);
    }
    Ok(String::from_utf8(all).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_is_sent_with_a_content_length_only_when_it_declares_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(1, 8);
    let key = worker(
        dir.path(),
        "framing",
        r#"const bytes = (text) => new TextEncoder().encode(text);
        function fixed(length, text) {
            const { readable, writable } = new FixedLengthStream(length);
            const writer = writable.getWriter();
            writer.write(bytes(text)).then(() => writer.close()).catch(() => {});
            return readable;
        }
        const plain = () => new ReadableStream({ start(c) { c.enqueue(bytes("plain")); c.close(); } });
        export default {
            fetch(request) {
                const path = new URL(request.url).pathname;
                if (path === "/fixed") return new Response(fixed(12, "hello world!"));
                if (path === "/fixed-declared") return new Response(fixed(5, "hello"), { headers: { "content-length": "99" } });
                if (path === "/fixed-tee") return new Response(fixed(3, "abc")).clone();
                if (path === "/short") return new Response(fixed(12, "hello"));
                if (path === "/declared") return new Response(plain(), { headers: { "content-length": "3" } });
                return new Response(plain());
            },
        };"#,
    );
    let mut seen = Vec::new();
    for path in [
        "/fixed",
        "/fixed-declared",
        "/fixed-tee",
        "/declared",
        "/plain",
        "/short",
    ] {
        let response = pool.dispatch(&key, get(path)).await.unwrap();
        let length = response.headers.get_all("content-length").iter().count();
        let declared = response
            .headers
            .get("content-length")
            .map(|v| v.to_str().unwrap().to_string());
        let body = streamed(response.body).await;
        seen.push((path, length, declared, body));
    }
    let ok = |text: &str| Ok(text.to_string());
    let length = |n: &str| Some(n.to_string());
    assert_eq!(seen[0], ("/fixed", 1, length("12"), ok("hello world!")));
    assert_eq!(
        seen[1],
        ("/fixed-declared", 1, length("5"), ok("hello")),
        "the stream's length wins"
    );
    assert_eq!(
        seen[2],
        ("/fixed-tee", 1, length("3"), ok("abc")),
        "a clone keeps the length"
    );
    assert_eq!(
        seen[3],
        ("/declared", 0, None, ok("plain")),
        "a declared length on a plain stream is dropped"
    );
    assert_eq!(seen[4], ("/plain", 0, None, ok("plain")));
    let (_, _, declared, body) = &seen[5];
    assert_eq!(declared.as_deref(), Some("12"));
    assert!(
        body.as_ref().is_err_and(
            |e| e.contains("FixedLengthStream did not see all expected bytes before close().")
        ),
        "too few bytes break the stream: {body:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_loaded_into_the_ready_isolate_gets_its_own_limits() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(1, 8);
    let small = Limits {
        memory_bytes: 16 << 20,
        ..Limits::default()
    };
    let key = VersionKey {
        limits: small,
        ..worker(
            dir.path(),
            "small",
            "export default { fetch() { new Uint8Array(64 << 20); return new Response('no'); } };",
        )
    };
    // The thread makes its ready isolate while idle; this version is loaded into it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let error = pool.dispatch(&key, get("/")).await.unwrap_err();
    assert!(
        matches!(error, RuntimeError::Memory { limit_bytes } if limit_bytes == 16 << 20),
        "{error:?}"
    );
    let roomy = worker(
        dir.path(),
        "roomy",
        "export default { fetch() { new Uint8Array(64 << 20); return new Response('yes'); } };",
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let response = pool.dispatch(&roomy, get("/")).await.unwrap();
    assert_eq!(
        text(response.body),
        "yes",
        "the next ready isolate has the default 128 MiB"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_error_that_only_says_out_of_memory_is_its_own_exception() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(1, 8);
    let key = worker(
        dir.path(),
        "liar",
        "export default { fetch() { throw new Error('out of memory'); } };",
    );
    let error = pool.dispatch(&key, get("/")).await.unwrap_err();
    assert!(matches!(error, RuntimeError::Exception(_)), "{error:?}");
}
