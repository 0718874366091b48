//! Deploying through the real binary: `sitegate deploy` stores a project as a version and
//! publishes it to a running gateway without a restart (under load, no request fails);
//! `--save` stores without publishing, `promote` publishes, `rollback` goes back; a deploy
//! whose migration fails keeps the live version and its data.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use e2e::{Browser, Gateway, GatewayBuilder};

use crate::support::{eventually, get_json, host};

/// A worker that says which version it is and counts the rows of its D1 table.
fn version_project(root: &Path, label: &str, migrations: &[(&str, &str)]) -> PathBuf {
    let dir = root.join(label);
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(
        dir.join("wrangler.json"),
        r#"{"main": "index.js", "d1_databases": [{"binding": "DB", "database_name": "app", "database_id": "x"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("index.js"),
        format!(
            r#"export default {{
  async fetch(request, env) {{
    if (new URL(request.url).pathname === "/slow") {{
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return Response.json({{ version: "{label}", slow: true }});
    }}
    const row = await env.DB.prepare("SELECT count(*) AS n FROM notes").first();
    return Response.json({{ version: "{label}", notes: row.n }});
  }},
}};
"#
        ),
    )
    .unwrap();
    for (name, sql) in migrations {
        std::fs::write(dir.join("migrations").join(name), sql).unwrap();
    }
    dir
}

const INIT: (&str, &str) = (
    "0001_init.sql",
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);\nINSERT INTO notes (text) VALUES ('a'), ('b');\n",
);

fn gateway() -> Gateway {
    GatewayBuilder::new()
        .rbac(
            "acme",
            "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\nemail_domains = [\"acme.test\"]\n\n[members]\n\"ann@acme.test\" = \"admin\"\n\n\
             [sites.app]\naccess = \"public\"\nbackend = { deployed = true }\n",
        )
        .extra("[dev_idp]\nenabled = true")
        .start()
}

/// Runs the CLI and returns its standard output; fails the test on a non-zero exit.
fn ok(gw: &Gateway, args: &[&str]) -> String {
    let out = gw.cli(args);
    assert!(
        out.status.success(),
        "sitegate {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn deploy(gw: &Gateway, dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["deploy", dir.to_str().unwrap(), "--site", "acme/app"];
    args.extend_from_slice(extra);
    ok(gw, &args).trim().to_string()
}

async fn current(browser: &Browser) -> serde_json::Value {
    let reply = browser
        .http
        .get(browser.url(&host("app"), "/"))
        .send()
        .await
        .unwrap();
    if reply.status() != 200 {
        return serde_json::json!({ "status": reply.status().as_u16() });
    }
    reply.json().await.unwrap()
}

/// Waits until the site answers `expected` (the gateway reloads when the deploy record changes).
async fn serves(browser: &Browser, expected: serde_json::Value) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = current(browser).await;
        if now == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "still {now}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The lines of `sitegate versions acme/app`, without the header.
fn versions(gw: &Gateway) -> Vec<Vec<String>> {
    ok(gw, &["versions", "acme/app"])
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

#[tokio::test]
async fn deploy_save_promote_and_rollback_through_the_cli_under_load() {
    let gw = gateway();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let projects = tempfile::tempdir().unwrap();
    assert_eq!(
        current(&browser).await["status"],
        503,
        "nothing deployed yet"
    );

    let v1 = deploy(&gw, &version_project(projects.path(), "v1", &[INIT]), &[]);
    serves(&browser, serde_json::json!({"version": "v1", "notes": 2})).await;

    // v2 saved only: v1 stays live.
    let add = ("0002_more.sql", "INSERT INTO notes (text) VALUES ('c');\n");
    let v2_dir = version_project(projects.path(), "v2", &[INIT, add]);
    let v2 = deploy(&gw, &v2_dir, &["--save"]);
    assert_ne!(v1, v2);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        current(&browser).await,
        serde_json::json!({"version": "v1", "notes": 2})
    );
    let listed = versions(&gw);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(
        (listed[0][0].as_str(), listed[0][1].as_str()),
        (v2.as_str(), "saved")
    );
    assert_eq!(
        (listed[1][0].as_str(), listed[1][1].as_str()),
        (v1.as_str(), "live")
    );
    assert!(listed[1][3].starts_with("local:"), "who: {listed:?}");
    assert!(listed[1][6].ends_with("/v1"), "source: {listed:?}");

    // Promote under load: every request answers 200, with v1 or v2.
    let stop = Arc::new(AtomicBool::new(false));
    let (failures, answered) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut load = Vec::new();
    for _ in 0..4 {
        let (http, url) = (browser.http.clone(), browser.url(&host("app"), "/"));
        let (stop, failures, answered) = (stop.clone(), failures.clone(), answered.clone());
        load.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let ok = match http.get(&url).send().await {
                    Ok(r) if r.status() == 200 => {
                        r.text().await.is_ok_and(|t| t.contains("\"version\""))
                    }
                    _ => false,
                };
                let counter = if ok { &answered } else { &failures };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let slow = {
        let (http, url) = (browser.http.clone(), browser.url(&host("app"), "/slow"));
        tokio::spawn(async move { http.get(url).send().await.unwrap().text().await.unwrap() })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    ok(&gw, &["promote", "acme/app", &v2]);
    serves(&browser, serde_json::json!({"version": "v2", "notes": 3})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }
    assert_eq!(
        failures.load(Ordering::Relaxed),
        0,
        "failed requests during the switch"
    );
    assert!(answered.load(Ordering::Relaxed) > 10, "the load ran");
    assert_eq!(
        slow.await.unwrap(),
        r#"{"version":"v1","slow":true}"#,
        "a request in flight finishes on the version it started on"
    );

    // Rollback: v1's code again (its data stays as migrated).
    ok(&gw, &["rollback", "acme/app"]);
    serves(&browser, serde_json::json!({"version": "v1", "notes": 3})).await;
    let listed = versions(&gw);
    assert_eq!(listed.iter().find(|l| l[0] == v1).unwrap()[1], "live");
    let out = gw.cli(&["rollback", "acme/app"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no earlier production version"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The audit log has each action with who and the result.
    let audit = std::fs::read_to_string(gw.dir().join("state/audit.log")).unwrap();
    let actions: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(&str, &str)> = actions
        .iter()
        .map(|a| (a["action"].as_str().unwrap(), a["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        &summary[..4],
        [
            ("deploy", "ok"),
            ("save", "ok"),
            ("promote", "ok"),
            ("rollback", "ok")
        ]
    );
    assert_eq!(actions[0]["detail"], v1.as_str());
    assert_eq!(actions[0]["target"], "acme/app");
    assert!(summary[4].1.contains("no earlier production version"));
}

#[tokio::test]
async fn a_deploy_whose_migration_fails_keeps_the_live_version_and_its_data() {
    let gw = gateway();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let projects = tempfile::tempdir().unwrap();
    deploy(&gw, &version_project(projects.path(), "v1", &[INIT]), &[]);
    serves(&browser, serde_json::json!({"version": "v1", "notes": 2})).await;

    let broken = (
        "0002_broken.sql",
        "INSERT INTO notes (text) VALUES ('lost');\nINSERT INTO no_such_table VALUES (1);\n",
    );
    let dir = version_project(projects.path(), "v2", &[INIT, broken]);
    let out = gw.cli(&["deploy", dir.to_str().unwrap(), "--site", "acme/app"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the deploy must fail");
    assert!(
        stderr.contains("0002_broken.sql"),
        "names the file: {stderr}"
    );
    assert!(
        stderr.contains("no_such_table"),
        "names the statement: {stderr}"
    );

    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        current(&browser).await,
        serde_json::json!({"version": "v1", "notes": 2}),
        "v1 serves, and the failed migration's first insert was rolled back"
    );
    let listed = versions(&gw);
    assert_eq!(listed.iter().filter(|l| l[1] == "live").count(), 1);
}

/// A gateway whose site `app` serves v1 and has v2 saved: the gateway, v2's id and its preview
/// host.
fn with_a_saved_version() -> (Gateway, String, String) {
    let gw = gateway();
    let projects = tempfile::tempdir().unwrap();
    deploy(&gw, &version_project(projects.path(), "v1", &[INIT]), &[]);
    let v2 = deploy(
        &gw,
        &version_project(projects.path(), "v2", &[INIT]),
        &["--save"],
    );
    let preview = format!("{v2}--{}", host("app"));
    (gw, v2, preview)
}

#[tokio::test]
async fn sec_02_a_saved_version_is_open_at_its_preview_host_to_admins_only() {
    let (gw, v2, preview) = with_a_saved_version();

    let anonymous = Browser::new(&gw.ca_pem(), gw.https_port());
    serves(&anonymous, serde_json::json!({"version": "v1", "notes": 2})).await;
    let (status, location) = anonymous.get(&anonymous.url(&preview, "/")).await;
    assert_eq!(
        status, 302,
        "the preview of a public site still needs sign-in"
    );
    assert!(
        location.unwrap().contains("site=acme%2Fapp%40"),
        "signs in for the preview"
    );

    let member = Browser::new(&gw.ca_pem(), gw.https_port());
    member.sign_in(&preview, "/", "carol@acme.test").await;
    let (status, _) = member.get(&member.url(&preview, "/")).await;
    assert_eq!(status, 403, "a member may not see an unpublished version");

    let admin = Browser::new(&gw.ca_pem(), gw.https_port());
    let hops = admin.sign_in(&preview, "/", "ann@acme.test").await;
    assert!(
        hops.site_callback.contains(&preview),
        "the code goes back to the preview host"
    );
    let seen = get_json(&admin, &preview, "/").await;
    assert_eq!(seen, serde_json::json!({"version": "v2", "notes": 2}));
    assert_eq!(
        current(&admin).await,
        serde_json::json!({"version": "v1", "notes": 2}),
        "production is unchanged"
    );
    let (status, _) = admin
        .get(&admin.url(&format!("000000000000--{}", host("app")), "/"))
        .await;
    assert_eq!(status, 404, "no such saved version");
    // The sign-in host hands codes only to hosts of saved versions, never to a made-up one.
    let signin = format!(
        "https://auth.test.localhost:{}/signin?site=acme%2Fapp%40000000000000&return_to=%2F",
        gw.https_port()
    );
    let (status, location) = admin.get(&signin).await;
    assert_eq!(
        (status, location),
        (404, None),
        "an unknown version is an unknown site"
    );

    // Promoted, it is no longer a preview.
    ok(&gw, &["promote", "acme/app", &v2]);
    serves(&admin, serde_json::json!({"version": "v2", "notes": 2})).await;
    eventually("the live version has no preview host", async || {
        admin.get(&admin.url(&preview, "/")).await.0 == 404
    })
    .await;
}

#[tokio::test]
async fn sec_31_a_service_token_never_opens_a_preview() {
    let (gw, _, preview) = with_a_saved_version();
    let token = ok(
        &gw,
        &[
            "token",
            "create",
            "--workspace",
            "acme",
            "--sites",
            "app",
            "--expires",
            "1h",
        ],
    )
    .trim()
    .to_string();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    serves(&browser, serde_json::json!({"version": "v1", "notes": 2})).await;
    let call = |site: String, header: &'static str| {
        let req = browser
            .http
            .get(browser.url(&site, "/"))
            .header(header, format!("Bearer {token}"));
        async move { req.send().await.unwrap() }
    };
    let live = call(host("app"), "authorization").await;
    assert_eq!(live.status(), 200, "the token is valid for the site");
    // The token must not open the saved version, in either header that carries tokens.
    for header in ["authorization", "oai-sites-authorization"] {
        let resp = call(preview.clone(), header).await;
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap();
        assert!(status == 401 || status == 403, "{header}: {status} {body}");
        assert!(!body.contains("v2"), "{header}: the preview leaked: {body}");
    }
}

#[tokio::test]
async fn the_example_project_of_the_readme_deploys_and_serves() {
    let gw = gateway();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/projects/notes");
    deploy(&gw, &example, &[]);
    let url = browser.url(&host("app"), "/api/notes");
    let deadline = Instant::now() + Duration::from_secs(20);
    while browser.http.get(&url).send().await.unwrap().status() != 200 {
        assert!(Instant::now() < deadline, "the deploy never went live");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = browser
        .http
        .get(browser.url(&host("app"), "/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text().await.unwrap().contains("<h1>Notes</h1>"),
        "assets first"
    );
    let added = browser
        .http
        .post(&url)
        .body(r#"{"text": "second"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let listed = get_json(&browser, &host("app"), "/api/notes").await;
    assert_eq!(listed["title"], "Notes");
    let texts: Vec<&str> = listed["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["second", "Deployed with sitegate deploy."],
        "the migration ran at deploy"
    );
}
