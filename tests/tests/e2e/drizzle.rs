//! drizzle-orm's D1 driver on the real gateway: the fixture app in `tests/fixtures/drizzle`
//! (bundled with esbuild) runs CRUD with `.returning()`, batches and a transaction on its
//! D1 database, and each answer must be the one miniflare gave (`expected.json`), but for
//! the one known difference in `SITEGATE_ONLY`.

use std::path::{Path, PathBuf};
use std::process::Command;

use e2e::Browser;

use crate::support::{host, project_dir, worker_project_sites};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/drizzle")
}

/// The site: the fixture's wrangler.json and migrations, and its source bundled to dist/.
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

#[tokio::test]
async fn drizzle_orm_on_d1_answers_as_on_miniflare() {
    let builder = worker_project_sites(&[("app", "public")]);
    site(&project_dir(&builder, "app"));
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let app = host("app");

    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture().join("expected.json")).unwrap())
            .unwrap();
    for step in expected.as_array().unwrap() {
        let path = step["path"].as_str().unwrap();
        let response = browser
            .http
            .get(browser.url(&app, path))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert_eq!(
            status,
            step["status"].as_u64().unwrap() as u16,
            "{path}: {text}\n{}",
            gw.log()
        );
        let body: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
        let expected = if path == SITEGATE_ONLY.0 {
            serde_json::from_str(SITEGATE_ONLY.1).unwrap()
        } else {
            step["body"].clone()
        };
        assert_eq!(body, expected, "{path}");
    }
}
