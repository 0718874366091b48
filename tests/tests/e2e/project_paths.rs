//! Paths from project files stay inside the project (docs/security.md line 25), through the
//! real binary: an assets directory of `/etc`, `../../..` or the state directory, a link
//! leaving the project, a deploy redirect into another site's project, a `main` or an import
//! climbing out are refused at deploy (the CLI offline and the admin API upload) with an error
//! naming the key and the value, and at load for a folder-served site or a version directory
//! changed after its deploy; another site's code, assets and the gateway's files are never
//! served.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use e2e::{Browser, Gateway, GatewayBuilder};

use crate::support::{eventually, host};

/// What the other site's worker and assets say: never to be seen on another site.
const OTHER_CODE: &str = "OTHER-SITE-CODE-41c2";
const OTHER_ASSET: &str = "OTHER-SITE-ASSET-41c2";

/// Folder-served sites, each with one of the tricks (see `folder_tricks`).
const FOLDERS: [&str; 8] = [
    "fetc",
    "fup",
    "fstate",
    "flink",
    "ffile",
    "fredirect",
    "fmain",
    "fimport",
];

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Workspace `acme`: `app` takes deploys, `other` is a worker folder holding another
/// tenant's code and assets, and each of `FOLDERS` is served from its folder.
fn builder() -> GatewayBuilder {
    let mut rbac = String::from(
        "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\n\n[members]\n\"ann@acme.test\" = \"admin\"\n\n\
         [sites.app]\naccess = \"public\"\nbackend = { deployed = true }\n",
    );
    for name in FOLDERS.iter().chain(&["other"]) {
        rbac.push_str(&format!(
            "\n[sites.{name}]\naccess = \"public\"\nbackend = {{ worker = \"sites/{name}\" }}\n"
        ));
    }
    let builder = GatewayBuilder::new()
        .extra("[dev_idp]\nenabled = true")
        .rbac("acme", &rbac);
    let other = sites(&builder).join("other");
    write(
        &other,
        "wrangler.json",
        r#"{"main": "index.js", "assets": {"directory": "public", "binding": "ASSETS"}}"#,
    );
    write(
        &other,
        "index.js",
        &format!("export default {{ fetch() {{ return new Response('{OTHER_CODE}'); }} }};"),
    );
    write(&other, "public/secret.txt", OTHER_ASSET);
    write(&other, "x.js", &format!("export default '{OTHER_CODE}';"));
    for name in FOLDERS {
        good_project(&sites(&builder).join(name));
    }
    builder
}

/// Where the folder-served sites' projects are.
fn sites(builder: &GatewayBuilder) -> PathBuf {
    builder.dir().join("rbac/sites")
}

/// A worker that answers `GOOD`, with `public/hello.txt`; `/import?s=X` answers what
/// `import(X)` gave.
fn good_project(dir: &Path) {
    write(
        dir,
        "wrangler.json",
        r#"{"main": "index.js", "assets": {"directory": "public", "binding": "ASSETS"}}"#,
    );
    write(
        dir,
        "index.js",
        "export default { async fetch(request) {\n\
           const url = new URL(request.url);\n\
           if (url.pathname === '/import') {\n\
             try { const m = await import(url.searchParams.get('s')); return new Response(String(m.default)); }\n\
             catch (e) { return new Response('refused: ' + e.message); }\n\
           }\n\
           return new Response('GOOD');\n\
         } };\n",
    );
    write(dir, "public/hello.txt", "hello");
}

/// A fresh copy of the good project at `name` under `root`.
fn fresh(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    good_project(&dir);
    dir
}

fn deploy(gw: &Gateway, dir: &Path) -> Output {
    gw.cli(&["deploy", dir.to_str().unwrap(), "--site", "acme/app"])
}

/// Deploys `dir` and waits until the running gateway serves `expected` at `path`.
async fn deployed(gw: &Gateway, browser: &Browser, dir: &Path, path: &str, expected: &str) {
    let out = deploy(gw, dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eventually("the deployed version is served", async || {
        get(browser, "app", path).await == (200, expected.to_string())
    })
    .await;
}

/// The deploy of `dir` failed with an error naming `key` and `value`.
fn refused(out: &Output, key: &str, value: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{key} = {value:?} was deployed");
    assert!(
        stderr.contains(&format!("`{key}` = {value:?}")),
        "{key} = {value:?}: {stderr}"
    );
}

/// The status and body of `GET path` on `site`.
async fn get(browser: &Browser, site: &str, path: &str) -> (u16, String) {
    let reply = browser
        .http
        .get(browser.url(&host(site), path))
        .send()
        .await
        .unwrap();
    (reply.status().as_u16(), reply.text().await.unwrap())
}

/// Nothing of `/etc`, the state directory or the other site shows on `site`.
async fn nothing_leaks(browser: &Browser, site: &str) {
    for path in [
        "/",
        "/passwd",
        "/hostname",
        "/secrets.key",
        "/tokens.json",
        "/secret.txt",
        "/etc/passwd",
        "/public/secret.txt",
    ] {
        let (status, body) = get(browser, site, path).await;
        assert!(
            !body.contains("root:") && !body.contains(OTHER_CODE) && !body.contains(OTHER_ASSET),
            "{site}{path}: {status} {body}"
        );
        assert!(
            status != 200 || body == "GOOD",
            "{site}{path} answered {status}: {body}"
        );
    }
}

#[tokio::test]
async fn sec_25_assets_directories_outside_the_project_are_refused_at_deploy() {
    let gw = builder().start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let projects = gw.dir().join("projects");
    let good = fresh(&projects, "good");
    deployed(&gw, &browser, &good, "/hello.txt", "hello").await;
    let state = gw.dir().join("state").display().to_string();
    let other = "../../rbac/sites/other/public";
    for value in ["/etc", "../../..", state.as_str(), other] {
        let dir = fresh(&projects, "evil");
        write(
            &dir,
            "wrangler.json",
            &format!(
                r#"{{"main": "index.js", "assets": {{"directory": {value:?}, "binding": "ASSETS"}}}}"#
            ),
        );
        refused(&deploy(&gw, &dir), "assets.directory", value);
    }

    // The admin API checks an upload the same way.
    let token = gw.cli(&["token", "create", "--workspace", "acme", "--deploy"]);
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let dir = fresh(&projects, "upload");
    write(
        &dir,
        "wrangler.json",
        r#"{"main": "index.js", "assets": {"directory": "/etc"}}"#,
    );
    let out = Command::new(e2e::sitegate_bin())
        .args(["deploy", dir.to_str().unwrap(), "--site", "acme/app"])
        .args(["--gateway", &gw.admin_url(), "--ca"])
        .arg(gw.dir().join("state/dev-ca/ca.pem"))
        .env("SITEGATE_TOKEN", &token)
        .output()
        .unwrap();
    refused(&out, "assets.directory", "/etc");

    // The good version is still the one served, and nothing else.
    assert_eq!(
        get(&browser, "app", "/hello.txt").await,
        (200, "hello".into())
    );
    nothing_leaks(&browser, "app").await;
}

#[tokio::test]
async fn sec_25_links_leaving_the_project_are_refused_at_deploy() {
    let gw = builder().start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let projects = gw.dir().join("projects");

    let dir = fresh(&projects, "linked-dir");
    symlink("/etc", dir.join("linked")).unwrap();
    write(
        &dir,
        "wrangler.json",
        r#"{"main": "index.js", "assets": {"directory": "linked"}}"#,
    );
    refused(&deploy(&gw, &dir), "assets.directory", "linked");

    let dir = fresh(&projects, "linked-file");
    symlink("/etc/passwd", dir.join("public/passwd")).unwrap();
    let out = deploy(&gw, &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a file link was deployed");
    assert!(
        stderr.contains("public/passwd") && stderr.contains("symlinks are not deployed"),
        "{stderr}"
    );
    nothing_leaks(&browser, "app").await;
}

#[tokio::test]
async fn sec_25_a_deploy_redirect_into_another_sites_project_is_refused() {
    let gw = builder().start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let projects = gw.dir().join("projects");
    let absolute = gw.dir().join("rbac/sites/other/wrangler.json");
    let absolute = absolute.display().to_string();
    for value in [
        "../../../../rbac/sites/other/wrangler.json",
        absolute.as_str(),
    ] {
        let dir = fresh(&projects, "evil");
        write(
            &dir,
            ".wrangler/deploy/config.json",
            &format!(r#"{{"configPath": {value:?}}}"#),
        );
        refused(&deploy(&gw, &dir), "configPath", value);
    }
    nothing_leaks(&browser, "app").await;

    // What the vite plugin writes stays inside, and deploys.
    let dir = projects.join("vite");
    write(
        &dir,
        "wrangler.jsonc",
        r#"{"main": "src/worker.js", "assets": {"directory": "dist/client"}}"#,
    );
    write(
        &dir,
        ".wrangler/deploy/config.json",
        r#"{"configPath": "../../dist/server/wrangler.json"}"#,
    );
    write(
        &dir,
        "dist/server/wrangler.json",
        r#"{"main": "index.js", "assets": {"directory": "../client", "binding": "ASSETS"}}"#,
    );
    write(
        &dir,
        "dist/server/index.js",
        "export default { fetch() { return new Response('VITE'); } };",
    );
    write(&dir, "dist/client/hello.txt", "vite hello");
    deployed(&gw, &browser, &dir, "/", "VITE").await;
    assert_eq!(
        get(&browser, "app", "/hello.txt").await,
        (200, "vite hello".into())
    );
}

#[tokio::test]
async fn sec_25_main_and_imports_leaving_the_project_are_refused() {
    let gw = builder().start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let projects = gw.dir().join("projects");
    for value in ["../../rbac/sites/other/index.js", "/etc/passwd"] {
        let dir = fresh(&projects, "evil");
        write(&dir, "wrangler.json", &format!(r#"{{"main": {value:?}}}"#));
        refused(&deploy(&gw, &dir), "main", value);
    }

    // An import is resolved inside the version when it runs: a dynamic one is refused to the
    // worker, a static one makes the version unloadable (the version lies six levels below the
    // gateway's directory, so the second specifier would reach the other site's file).
    let good = fresh(&projects, "good");
    deployed(&gw, &browser, &good, "/", "GOOD").await;
    for specifier in [
        "../../other/site/x.js",
        "../../../../../../rbac/sites/other/x.js",
        "/etc/passwd",
    ] {
        let path = format!("/import?s={specifier}");
        let (status, body) = get(&browser, "app", &path).await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body.starts_with("refused: No such module"),
            "{specifier}: {body}"
        );
    }
    let dir = fresh(&projects, "static-import");
    write(
        &dir,
        "index.js",
        "import x from '../../other/site/x.js';\nexport default { fetch() { return new Response(x); } };\n",
    );
    // Imports are not followed at deploy: the version goes live and cannot load.
    let out = deploy(&gw, &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eventually("the new version is live", async || {
        get(&browser, "app", "/").await.1 != "GOOD"
    })
    .await;
    let (status, body) = get(&browser, "app", "/").await;
    assert!(
        status >= 500 && !body.contains(OTHER_CODE),
        "{status} {body}"
    );
    nothing_leaks(&browser, "app").await;
}

/// Gives each folder-served site its trick.
fn folder_tricks(sites: &Path, state: &Path) {
    let assets = |value: &str| {
        format!(
            r#"{{"main": "index.js", "assets": {{"directory": {value:?}, "binding": "ASSETS"}}}}"#
        )
    };
    write(&sites.join("fetc"), "wrangler.json", &assets("/etc"));
    write(&sites.join("fup"), "wrangler.json", &assets("../../.."));
    let state = state.display().to_string();
    write(&sites.join("fstate"), "wrangler.json", &assets(&state));
    symlink("/etc", sites.join("flink/linked")).unwrap();
    write(&sites.join("flink"), "wrangler.json", &assets("linked"));
    symlink("/etc/passwd", sites.join("ffile/public/passwd")).unwrap();
    symlink(
        "../../other/public/secret.txt",
        sites.join("ffile/public/secret.txt"),
    )
    .unwrap();
    write(
        &sites.join("fredirect"),
        ".wrangler/deploy/config.json",
        r#"{"configPath": "../../../other/wrangler.json"}"#,
    );
    write(
        &sites.join("fmain"),
        "wrangler.json",
        r#"{"main": "../other/index.js"}"#,
    );
    write(
        &sites.join("fimport"),
        "index.js",
        "import x from '../other/x.js';\nexport default { fetch() { return new Response(x); } };\n",
    );
}

#[tokio::test]
async fn sec_25_a_folder_served_site_with_the_same_tricks_is_refused_at_load() {
    let builder = builder();
    folder_tricks(&sites(&builder), &builder.dir().join("state"));
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    assert_eq!(get(&browser, "other", "/").await, (200, OTHER_CODE.into()));
    for site in FOLDERS {
        nothing_leaks(&browser, site).await;
        let (status, body) = get(&browser, site, "/").await;
        match site {
            // Its project is fine; the links in its assets are never followed out.
            "ffile" => assert_eq!((status, body.as_str()), (200, "GOOD"), "{site}"),
            // Loads, and its entry cannot import the other site's module.
            "fimport" => assert!(status >= 500, "{site}: {status} {body}"),
            _ => assert_eq!(status, 503, "{site}: {body}"),
        }
    }
}

#[tokio::test]
async fn sec_25_a_version_directory_tampered_after_deploy_is_refused_at_load() {
    let gw = builder().start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let good = fresh(&gw.dir().join("projects"), "good");
    deployed(&gw, &browser, &good, "/hello.txt", "hello").await;
    let versions = gw.dir().join("state/deploys/acme/app/versions");
    let version = std::fs::read_dir(&versions)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();

    // Its assets folder swapped for a link to /etc.
    std::fs::remove_dir_all(version.join("public")).unwrap();
    symlink("/etc", version.join("public")).unwrap();
    gw.signal(libc::SIGHUP);
    eventually("the tampered version is refused", async || {
        get(&browser, "app", "/hello.txt").await.0 == 503
    })
    .await;
    nothing_leaks(&browser, "app").await;

    // Put back, it serves again; its config pointed at /etc, it is refused again.
    std::fs::remove_file(version.join("public")).unwrap();
    write(&version, "public/hello.txt", "hello");
    gw.signal(libc::SIGHUP);
    eventually("the restored version serves", async || {
        get(&browser, "app", "/hello.txt").await == (200, "hello".into())
    })
    .await;
    write(
        &version,
        "wrangler.json",
        r#"{"main": "index.js", "assets": {"directory": "/etc"}}"#,
    );
    gw.signal(libc::SIGHUP);
    eventually("the tampered config is refused", async || {
        get(&browser, "app", "/hello.txt").await.0 == 503
    })
    .await;
    nothing_leaks(&browser, "app").await;
}

#[tokio::test]
async fn sec_25_a_folder_served_site_holding_or_inside_the_state_directory_is_refused() {
    // The config folder holds the state folder: served whole, its assets would be the
    // gateway's keys and every site's data.
    let rbac = "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\n\n[members]\n\"ann@acme.test\" = \"admin\"\n\n\
         [sites.whole]\naccess = \"public\"\nbackend = { worker = \"..\" }\n\n\
         [sites.inside]\naccess = \"public\"\nbackend = { worker = \"../state\" }\n";
    let builder = GatewayBuilder::new()
        .extra("[dev_idp]\nenabled = true")
        .rbac("acme", rbac);
    let assets_everything = r#"{"assets": {"directory": "."}}"#;
    write(builder.dir(), "wrangler.json", assets_everything);
    write(
        &builder.dir().join("state"),
        "wrangler.json",
        assets_everything,
    );
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    assert!(
        gw.dir().join("state/dev-ca/ca.key").exists(),
        "{}",
        gw.log()
    );
    for (site, path) in [
        ("whole", "/state/dev-ca/ca.key"),
        ("whole", "/state/secrets.key"),
        ("whole", "/wrangler.json"),
        ("inside", "/dev-ca/ca.key"),
        ("inside", "/wrangler.json"),
    ] {
        let (status, body) = get(&browser, site, path).await;
        assert_eq!(status, 503, "{site}{path}: {body}");
        assert!(!body.contains("assets"), "{site}{path}: {body}");
    }
    assert!(gw.log().contains("state directory"), "{}", gw.log());
}
