//! Shared fixtures: an RBAC file for workspace `acme` whose sites point at a test upstream.

use e2e::{GatewayBuilder, Upstream};

/// Hostname of a site of workspace `acme` under the tests' base domain.
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
