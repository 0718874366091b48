//! Loading figures for the worker benchmark (`bench/worker.sh`): time to the first response of a
//! freshly deployed site version (its modules compiled for the first time), of a version loaded
//! again from cached bytecode, and the resident memory each idle loaded version costs with many
//! loaded. Versions arrive 5 ms apart, one JS thread. Prints one line per figure.
//!
//! `cargo bench -p runtime --bench isolates -- [sites, default 1000]`

use std::time::{Duration, Instant};

use runtime::{Pool, PoolOptions, VersionKey, WorkerBody, WorkerRequest};

const HELLO: &str = r#"export default {
  fetch(request) {
    return new Response("Hello from " + new URL(request.url).pathname);
  },
};
"#;

fn request() -> WorkerRequest {
    WorkerRequest {
        method: http::Method::GET,
        url: "https://bench.test/".into(),
        headers: http::HeaderMap::new(),
        body: bytes::Bytes::new(),
    }
}

/// The process's resident memory, in bytes.
fn resident_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn show(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{name}: p50 {:.3} ms, p99 {:.3} ms ({} samples)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.len()
    );
}

async fn first_responses(pool: &Pool, keys: &[VersionKey]) -> Vec<Duration> {
    let mut times = Vec::with_capacity(keys.len());
    for key in keys {
        // Versions are deployed one at a time onto a thread that is otherwise idle (which is
        // when it gets its next blank isolate ready).
        tokio::time::sleep(Duration::from_millis(5)).await;
        let start = Instant::now();
        let answer = pool.dispatch(key, request()).await.expect("hello answers");
        assert!(matches!(answer.body, WorkerBody::Full(ref b) if b.starts_with(b"Hello")));
        times.push(start.elapsed());
    }
    times
}

fn main() {
    let sites: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().expect("temp dir");
    let keys: Vec<VersionKey> = (0..sites)
        .map(|i| {
            let root = dir.path().join(format!("site{i}"));
            std::fs::create_dir_all(&root).expect("site dir");
            // Each version's files differ, so each is compiled the first time it is loaded.
            std::fs::write(root.join("index.js"), format!("{HELLO}// version {i}\n"))
                .expect("entry");
            VersionKey {
                site: format!("bench/site{i}"),
                version: "v1".into(),
                dir: root,
                entry: "index.js".into(),
                limits: runtime::Limits::default(),
                outbound: Default::default(),
                bindings: Default::default(),
            }
        })
        .collect();
    let io = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio");
    io.block_on(async {
        let options = PoolOptions {
            threads: 1,
            isolates_per_thread: sites,
            ..PoolOptions::default()
        };
        let pool = Pool::new(options).expect("pool");
        // Warm the process-wide prelude bytecode with one site outside the figures.
        let warm = first_responses(&pool, &keys[..1]).await;
        drop(warm);
        let before = resident_bytes();
        let fresh = first_responses(&pool, &keys[1..]).await;
        let after = resident_bytes();
        show("first response, new version (compile + load)", fresh);
        println!(
            "resident memory per idle loaded version: {:.0} KB ({} versions loaded, {:.1} MB in all)",
            (after.saturating_sub(before)) as f64 / (sites - 1) as f64 / 1024.0,
            sites,
            after as f64 / 1048576.0
        );
        drop(pool);
        // A new pool: every version loads again, now from cached bytecode.
        let pool = Pool::new(options).expect("pool");
        let cached = first_responses(&pool, &keys[1..]).await;
        show("first response, evicted version (from cached bytecode)", cached);
    });
}
