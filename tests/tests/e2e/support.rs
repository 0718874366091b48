//! Shared fixtures: an RBAC file for workspace `acme` whose sites point at a test upstream.

use e2e::{GatewayBuilder, Upstream};

/// Hostname of a site of workspace `acme` under the tests' base domain.
/// A gateway with the dev IdP and workspace `acme` whose sites are workers: one
/// `(name, access)` each, its project in the directory `project_dir(&builder, name)` (for the
/// caller to fill).
pub fn worker_project_sites(sites: &[(&str, &str)]) -> e2e::GatewayBuilder {
    let mut rbac = String::from("[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\n");
    for (name, access) in sites {
        rbac.push_str(&format!(
            "\n[sites.{name}]\naccess = \"{access}\"\nbackend = {{ worker = \"sites/{name}\" }}\n"
        ));
    }
    e2e::GatewayBuilder::new()
        .extra("[dev_idp]\nenabled = true")
        .rbac("acme", &rbac)
}

/// Where `worker_project_sites` looks for site `name`'s project.
pub fn project_dir(builder: &e2e::GatewayBuilder, name: &str) -> std::path::PathBuf {
    builder.dir().join("rbac/sites").join(name)
}

/// Runs `command` to the end with `input` on its standard input; its output.
pub fn run_with_input(mut command: std::process::Command, input: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Waits (up to 10 s, checking every 100 ms) until `check` is true, for what a reload brings;
/// fails the test naming `what` otherwise.
pub async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("timed out waiting: {what}");
}

/// The JSON answer to `GET path` on `host`.
pub async fn get_json(browser: &e2e::Browser, host: &str, path: &str) -> serde_json::Value {
    let reply = browser.http.get(browser.url(host, path)).send().await;
    reply.unwrap().json().await.unwrap()
}

pub fn host(site: &str) -> String {
    format!("{site}.acme.test.localhost")
}

/// Workspace `acme` with public sites `app` and `other` on `upstream`, `ws` on its WebSocket
/// port, `team` (workspace_all) and `down` (an upstream that refuses connections).
pub fn acme_rbac(upstream: &Upstream) -> String {
    let refused = e2e::free_port();
    format!(
        r#"[workspace]
id = "acme"
name = "Acme"
idp = "dev"
email_domains = ["acme.test"]

[members]
"owner@acme.test" = "owner"

[sites.app]
access = "public"
backend = {{ upstream = "{up}" }}

[sites.other]
access = "public"
backend = {{ upstream = "{up}" }}

[sites.ws]
access = "public"
backend = {{ upstream = "{ws}" }}

[sites.team]
access = "workspace_all"
backend = {{ upstream = "{up}" }}

[sites.down]
access = "public"
backend = {{ upstream = "http://127.0.0.1:{refused}" }}
"#,
        up = upstream.url(),
        ws = upstream.ws_url(),
    )
}

/// A builder with the acme workspace and the development IdP on.
pub fn acme(upstream: &Upstream) -> GatewayBuilder {
    GatewayBuilder::new()
        .rbac("acme", &acme_rbac(upstream))
        .extra("[dev_idp]\nenabled = true")
}

/// Sets `site`'s secret `name` to `value` with `sitegate secret put` on the config at `config`
/// (the value on standard input, as a person would pipe it).
pub fn put_secret(config: &std::path::Path, site: &str, name: &str, value: &str) {
    let mut command = std::process::Command::new(e2e::sitegate_bin());
    command
        .args(["secret", "put", "--config"])
        .arg(config)
        .args([site, name]);
    let out = run_with_input(command, value);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Checks the `Set-Cookie` values of a response whose backend tried to set `fine=1`, the
/// gateway's own cookies and a `wide` cookie for the parent domain: only `fine` got through.
pub fn assert_only_the_sites_own_cookies_were_set(headers: &reqwest::header::HeaderMap) {
    let set: Vec<String> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(set.iter().any(|c| c.starts_with("fine=1")), "{set:?}");
    assert!(
        !set.iter()
            .any(|c| c.to_ascii_lowercase().starts_with("__host-sitegate")),
        "{set:?}"
    );
    assert!(!set.iter().any(|c| c.starts_with("wide=")), "{set:?}");
}

/// A client for the plain-HTTP listener that shows redirects instead of following them.
pub fn plain_http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The repository's root (the tests crate lives in `tests/`).
pub fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate has a parent")
        .to_path_buf()
}
