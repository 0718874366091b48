use std::path::Path;
use std::time::Duration;

use super::{Pool, VersionKey};
use crate::{Limits, RuntimeError};

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
    let pool = Pool::new(2, 8).unwrap();
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
    let pool = std::sync::Arc::new(Pool::new(2, 8).unwrap());
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
    let pool = Pool::new(1, 2).unwrap();
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
    let pool = Pool::new(1, 2).unwrap();
    let key = site(dir.path(), "broken", "import '../escape.js';");
    let err = pool.run(&key, |js| js.eval::<i32>("1")).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("only relative imports inside the site's own files"),
        "{err}"
    );
}
