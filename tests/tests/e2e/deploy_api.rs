//! The CLI against a running gateway's admin API (HTTPS on the admin listener), through the
//! real binary: deploy tokens are scoped to their workspace and sites, a token acting as a
//! person stops working when that person may no longer deploy, a revoked token stops at once,
//! and secret values never show up in logs, listings, answers or the audit log.

use std::path::Path;
use std::process::{Command, Output};

use e2e::{Browser, Gateway, GatewayBuilder};

use crate::support::{eventually, run_with_input};

const SECRET_VALUE: &str = "pa55-the-real-thing-9f3c";

/// Workspace `workspace` with bob at `bob_role`, carol a member, and public deployed `sites`.
fn rbac(workspace: &str, bob_role: &str, sites: [&str; 2]) -> String {
    let mut text = format!(
        "[workspace]\nid = \"{workspace}\"\nname = \"{workspace}\"\nidp = \"dev\"\n\n[members]\n\"bob@{workspace}.test\" = \"{bob_role}\"\n\"carol@{workspace}.test\" = \"member\"\n"
    );
    for site in sites {
        text.push_str(&format!(
            "\n[sites.{site}]\naccess = \"public\"\nbackend = {{ deployed = true }}\n"
        ));
    }
    text
}

const ACME_SITES: [&str; 2] = ["app", "other"];

fn builder() -> GatewayBuilder {
    GatewayBuilder::new()
        .rbac("acme", &rbac("acme", "admin", ACME_SITES))
        .rbac("globex", &rbac("globex", "admin", ["shop", "blog"]))
        .extra("[dev_idp]\nenabled = true")
}

fn gateway() -> Gateway {
    builder().start()
}

/// A worker project that answers with `label` and its secret.
fn project(root: &Path, label: &str) -> std::path::PathBuf {
    let dir = root.join(label);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("wrangler.json"), r#"{"main": "index.js"}"#).unwrap();
    std::fs::write(
        dir.join("index.js"),
        format!(
            "export default {{ fetch(request, env) {{\n  if (new URL(request.url).pathname === \"/boom\") {{ console.log(`using ${{env.API_KEY}}`); throw new Error(`failed with ${{env.API_KEY}}`); }}\n  return Response.json({{ version: \"{label}\", key: env.API_KEY ?? null }});\n}} }};\n"
        ),
    )
    .unwrap();
    dir
}

fn token(gw: &Gateway, args: &[&str]) -> String {
    let mut all = vec!["token", "create"];
    all.extend_from_slice(args);
    let out = gw.cli(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Runs `sitegate` against the gateway's admin API with `token`, `stdin` as its input.
fn remote(gw: &Gateway, token: &str, args: &[&str], stdin: &str) -> Output {
    let ca = gw.dir().join("state/dev-ca/ca.pem");
    let mut command = Command::new(e2e::sitegate_bin());
    command
        .args(args)
        .args(["--gateway", &gw.admin_url(), "--ca"])
        .arg(&ca)
        .env("SITEGATE_TOKEN", token);
    run_with_input(command, stdin)
}

fn remote_ok(gw: &Gateway, token: &str, args: &[&str], stdin: &str) -> String {
    let out = remote(gw, token, args, stdin);
    assert!(
        out.status.success(),
        "sitegate {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn remote_refused(gw: &Gateway, token: &str, args: &[&str], expected: &str) {
    let out = remote(gw, token, args, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} must be refused");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
}

async fn answer(browser: &Browser, site: &str) -> serde_json::Value {
    let url = browser.url(&format!("{site}.test.localhost"), "/");
    let reply = browser.http.get(url).send().await.unwrap();
    reply.json().await.unwrap_or(serde_json::Value::Null)
}

#[tokio::test]
async fn sec_17_the_cli_deploys_through_the_admin_api_within_its_tokens_scope() {
    let gw = gateway();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let projects = tempfile::tempdir().unwrap();
    let acme = token(&gw, &["--workspace", "acme", "--deploy"]);
    let acme_app_only = token(&gw, &["--workspace", "acme", "--deploy", "--sites", "app"]);
    let access = token(&gw, &["--workspace", "acme", "--sites", "app"]);

    // A deploy is live when the command returns: the gateway reloads before it answers.
    let v1_dir = project(projects.path(), "v1");
    let v1_dir = v1_dir.to_str().unwrap();
    let v1 = remote_ok(&gw, &acme, &["deploy", v1_dir, "--site", "acme/app"], "");
    assert_eq!(answer(&browser, "app.acme").await["version"], "v1");
    let listed = remote_ok(&gw, &acme, &["versions", "acme/app"], "");
    assert!(
        listed.contains(v1.trim()) && listed.contains("live"),
        "{listed}"
    );
    assert!(listed.contains("upload from 127.0.0.1"), "{listed}");

    // Scope: another workspace, a site outside the token's list, an access token, no token.
    remote_refused(
        &gw,
        &acme,
        &["deploy", v1_dir, "--site", "globex/shop"],
        "deploys to workspace acme, not globex",
    );
    remote_refused(
        &gw,
        &acme_app_only,
        &["deploy", v1_dir, "--site", "acme/other"],
        "limited to app",
    );
    remote_refused(
        &gw,
        &access,
        &["versions", "acme/app"],
        "not a valid deploy or admin token",
    );
    remote_refused(&gw, "", &["versions", "acme/app"], "no token");
    let globex = token(&gw, &["--workspace", "globex", "--deploy"]);
    remote_refused(
        &gw,
        &globex,
        &["rollback", "acme/app"],
        "deploys to workspace globex, not acme",
    );
    // A deploy token never opens a site: the site refuses it as it refuses any bad token.
    let site = browser.url("app.acme.test.localhost", "/");
    let opened = browser
        .http
        .get(&site)
        .bearer_auth(&acme)
        .send()
        .await
        .unwrap();
    assert_eq!(
        opened.status(),
        401,
        "a deploy token is not an access token"
    );
    let admin = token(&gw, &["--admin"]);
    let opened = browser
        .http
        .get(&site)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 401, "nor is an admin token");
    remote_ok(
        &gw,
        &admin,
        &["deploy", v1_dir, "--site", "globex/blog"],
        "",
    );
    assert_eq!(answer(&browser, "blog.globex").await["version"], "v1");

    // A token acting as a person: refused for a member at creation, and for an admin once
    // demoted in the RBAC file.
    let out = gw.cli(&[
        "token",
        "create",
        "--workspace",
        "acme",
        "--deploy",
        "--user",
        "carol@acme.test",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("carol@acme.test may not deploy in acme"));
    let bobs = token(
        &gw,
        &["--workspace", "acme", "--deploy", "--user", "bob@acme.test"],
    );
    remote_ok(&gw, &bobs, &["versions", "acme/app"], "");
    std::fs::write(
        gw.dir().join("rbac/acme.toml"),
        rbac("acme", "member", ACME_SITES),
    )
    .unwrap();
    eventually(
        "a demoted person's token is refused after the reload",
        async || {
            let out = remote(&gw, &bobs, &["versions", "acme/app"], "");
            String::from_utf8_lossy(&out.stderr)
                .contains("bob@acme.test may not deploy in acme: their role is member")
        },
    )
    .await;

    // Revocation applies to the very next call.
    let id = acme_app_only
        .trim_start_matches("sgt_")
        .split('_')
        .next()
        .unwrap()
        .to_string();
    let out = gw.cli(&["token", "revoke", &id]);
    assert!(out.status.success());
    remote_refused(
        &gw,
        &acme_app_only,
        &["versions", "acme/app"],
        "not a valid deploy or admin token",
    );

    // Audit: each remote action with the token and the client address.
    let audit = std::fs::read_to_string(gw.dir().join("state/audit.log")).unwrap();
    let first: serde_json::Value =
        serde_json::from_str(audit.lines().find(|l| l.contains("\"deploy\"")).unwrap()).unwrap();
    assert_eq!(first["from"], "127.0.0.1");
    assert!(
        first["who"].as_str().unwrap().starts_with("token:"),
        "{first}"
    );
    assert!(audit.contains("\"token.revoke\""), "{audit}");
}

#[tokio::test]
async fn a_secret_reaches_the_live_version_at_the_next_deploy_or_with_now_and_is_never_shown() {
    let gw = gateway();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let projects = tempfile::tempdir().unwrap();
    let acme = token(&gw, &["--workspace", "acme", "--deploy"]);
    let v1 = project(projects.path(), "v1");
    let v1 = v1.to_str().unwrap();
    remote_ok(&gw, &acme, &["deploy", v1, "--site", "acme/app"], "");
    assert_eq!(
        answer(&browser, "app.acme").await["key"],
        serde_json::Value::Null
    );

    remote_ok(
        &gw,
        &acme,
        &["secret", "put", "acme/app", "API_KEY"],
        &format!("{SECRET_VALUE}\n"),
    );
    assert_eq!(
        answer(&browser, "app.acme").await["key"],
        serde_json::Value::Null,
        "the live version keeps the environment it was published with"
    );
    let v2 = project(projects.path(), "v2");
    remote_ok(
        &gw,
        &acme,
        &["deploy", v2.to_str().unwrap(), "--site", "acme/app"],
        "",
    );
    assert_eq!(
        answer(&browser, "app.acme").await["key"],
        SECRET_VALUE,
        "the next deploy has it"
    );
    let url = browser.url("app.acme.test.localhost", "/boom");
    let boom = browser.http.get(url).send().await.unwrap();
    assert_eq!(boom.status(), 500);
    let error_page = boom.text().await.unwrap();

    remote_ok(
        &gw,
        &acme,
        &["secret", "put", "acme/app", "API_KEY", "--now"],
        "rotated",
    );
    assert_eq!(
        answer(&browser, "app.acme").await["key"],
        "rotated",
        "--now rolls the live version"
    );
    let listed = remote_ok(&gw, &acme, &["secret", "list", "acme/app"], "");
    assert!(listed.starts_with("API_KEY\tset "), "{listed}");
    remote_ok(
        &gw,
        &acme,
        &["secret", "delete", "acme/app", "API_KEY", "--now"],
        "",
    );
    assert_eq!(
        answer(&browser, "app.acme").await["key"],
        serde_json::Value::Null
    );
    remote_refused(
        &gw,
        &acme,
        &["secret", "delete", "acme/app", "API_KEY"],
        "acme/app has no secret API_KEY",
    );

    let versions = remote_ok(&gw, &acme, &["versions", "acme/app"], "");
    for (what, text) in [
        ("the log", gw.log()),
        (
            "the audit log",
            std::fs::read_to_string(gw.dir().join("state/audit.log")).unwrap(),
        ),
        ("the version listing", versions),
        ("the error page", error_page),
        ("the secret listing", listed),
        (
            "the secrets file",
            std::fs::read_to_string(gw.dir().join("state/secrets.json")).unwrap(),
        ),
        (
            "the deploy record",
            std::fs::read_to_string(gw.dir().join("state/deploys/acme/app/site.json")).unwrap(),
        ),
    ] {
        assert!(
            !text.contains(SECRET_VALUE) && !text.contains("rotated"),
            "{what} shows a secret:\n{text}"
        );
    }
}

#[tokio::test]
async fn an_upload_over_the_size_limit_is_refused_and_nothing_is_stored() {
    let gw = builder().extra("[deploy]\nmax_size_mb = 1").start();
    let projects = tempfile::tempdir().unwrap();
    let acme = token(&gw, &["--workspace", "acme", "--deploy"]);
    let dir = project(projects.path(), "big");
    let noise: Vec<u8> = (0..(3u32 << 20))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(dir.join("noise.bin"), noise).unwrap();
    remote_refused(
        &gw,
        &acme,
        &["deploy", dir.to_str().unwrap(), "--site", "acme/app"],
        "larger than the limit of 1048576 bytes",
    );
    let out = gw.cli(&["deploy", dir.to_str().unwrap(), "--site", "acme/app"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than the limit of 1048576 bytes"));
    let listed = remote_ok(&gw, &acme, &["versions", "acme/app"], "");
    assert_eq!(listed.lines().count(), 1, "only the header: {listed}");
}
