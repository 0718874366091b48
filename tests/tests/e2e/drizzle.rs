//! drizzle-orm's D1 driver on the real gateway and on miniflare: the fixture app in
//! `tests/fixtures/drizzle` (bundled with esbuild) runs CRUD with `.returning()`, batches and
//! a transaction on its D1 database, the same steps in the same order on both, and each
//! answer must be miniflare's, but for the one known difference in `SITEGATE_ONLY`.

use std::path::{Path, PathBuf};
use std::process::Command;

use e2e::miniflare::{Binding, Miniflare};
use e2e::Browser;

use crate::support::{host, project_dir, worker_project_sites};

/// The fixture's routes, requested in this order (each builds on the ones before).
const STEPS: &[&str] = &[
    "/insert",
    "/select",
    "/update",
    "/duplicate",
    "/badForeignKey",
    "/batch",
    "/failingBatch",
    "/transaction",
    "/delete",
    "/nope",
];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/drizzle")
}

/// The site: the fixture's wrangler.json and migrations, and its source bundled to
/// dist/index.js (which miniflare serves too).
fn site(dir: &Path) {
    let source = fixture();
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::copy(source.join("wrangler.json"), dir.join("wrangler.json")).unwrap();
    std::fs::copy(
        source.join("migrations/0001_init.sql"),
        dir.join("migrations/0001_init.sql"),
    )
    .unwrap();
    let node_modules = e2e::corpus::node_modules();
    let output = Command::new(node_modules.join(".bin/esbuild"))
        .arg(source.join("src/index.js"))
        .args([
            "--bundle",
            "--format=esm",
            "--platform=browser",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", dir.join("dist/index.js").display()))
        .env("NODE_PATH", &node_modules)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "esbuild failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Where Sitegate knowingly answers otherwise: workerd's D1 refuses SQL `BEGIN`, so drizzle's
/// `db.transaction` fails at "begin" there; Sitegate's D1 runs `BEGIN`/`ROLLBACK` through
/// `run`, so the transaction runs and the callback's throw rolls its insert back. Either way
/// nothing is written.
const SITEGATE_ONLY: (&str, &str) = (
    "/transaction",
    r#"{"error": "undo", "cause": null, "eve": []}"#,
);

/// Status and JSON answer of `GET url`.
async fn answer(client: &reqwest::Client, url: &str) -> (u16, serde_json::Value) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {text}"));
    (status, body)
}

#[tokio::test]
async fn drizzle_orm_on_d1_answers_as_on_miniflare() {
    let builder = worker_project_sites(&[("app", "public")]);
    let dir = project_dir(&builder, "app");
    site(&dir);
    let scratch = tempfile::tempdir().unwrap();
    let reference = Miniflare::start(
        &dir.join("dist/index.js"),
        scratch.path(),
        &[Binding::D1("DB", Some(&fixture().join("migrations")))],
    );
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let plain = reqwest::Client::new();
    let app = host("app");

    for path in STEPS {
        let (their_status, theirs) = answer(&plain, &reference.url(path)).await;
        let (status, body) = answer(&browser.http, &browser.url(&app, path)).await;
        assert_eq!(status, their_status, "{path}: {body}\n{}", gw.log());
        let expected = if *path == SITEGATE_ONLY.0 {
            serde_json::from_str(SITEGATE_ONLY.1).unwrap()
        } else {
            theirs
        };
        assert_eq!(body, expected, "{path}");
    }
}
