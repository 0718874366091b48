//! Detecting project formats in fixture directories.

use std::fs;
use std::path::Path;

use runtime::bindings::assets::{HtmlHandling, NotFoundHandling};
use runtime::Var;

use super::{detect, MigrationsKind, ProjectError, StaticRouting};

mod props;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

#[test]
fn plain_directory_with_index_js() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "index.js", "export default {}");
    let p = detect(tmp.path()).expect("project");
    assert_eq!(p.root, tmp.path());
    assert_eq!(p.entry.as_deref(), Some("index.js"));
    assert!(p.assets.is_none());
    let empty = tempfile::tempdir().expect("tmp");
    assert_eq!(detect(empty.path()).expect("project").entry, None);
}

#[test]
fn wrangler_jsonc_with_comments_and_trailing_commas() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "src/worker.js", "export default {}");
    write(tmp.path(), "public/index.html", "hi");
    write(
        tmp.path(),
        "migrations/0001_init.sql",
        "CREATE TABLE t (x);",
    );
    write(
        tmp.path(),
        "wrangler.jsonc",
        r#"{
          // the worker
          "name": "app",
          "main": "./src/worker.js",
          "compatibility_date": "2025-01-01",
          "compatibility_flags": ["nodejs_compat",],
          "assets": { "directory": "public", "binding": "ASSETS",
                      "not_found_handling": "single-page-application",
                      "html_handling": "drop-trailing-slash", "run_worker_first": true },
          /* data */
          "d1_databases": [{ "binding": "DB", "database_name": "x", "database_id": "y" }],
          "r2_buckets": [{ "binding": "FILES", "bucket_name": "f" }],
          "vars": { "A": "text", "B": { "n": 1 } },
          "kv_namespaces": [{ "binding": "KV", "id": "k" }],
          "queues": { "producers": [], "consumers": [] },
        }"#,
    );
    let p = detect(tmp.path()).expect("project");
    assert_eq!(p.entry.as_deref(), Some("src/worker.js"));
    assert_eq!(p.compatibility_date.as_deref(), Some("2025-01-01"));
    assert_eq!(p.compatibility_flags, ["nodejs_compat"]);
    let assets = p.assets.expect("assets");
    assert_eq!(assets.dir, tmp.path().join("public"));
    assert_eq!(assets.binding.as_deref(), Some("ASSETS"));
    assert_eq!(assets.html_handling, HtmlHandling::DropTrailingSlash);
    assert_eq!(
        assets.not_found_handling,
        NotFoundHandling::SinglePageApplication
    );
    assert_eq!(assets.routing, StaticRouting::WorkerFirst);
    assert_eq!(p.d1.len(), 1);
    assert_eq!(p.d1[0].binding, "DB");
    let m = p.d1[0].migrations.as_ref().expect("migrations");
    assert_eq!(m.dir, tmp.path().join("migrations"));
    assert_eq!(m.kind, MigrationsKind::Wrangler);
    assert_eq!(p.r2, ["FILES"]);
    assert_eq!(
        p.vars,
        [
            ("A".to_string(), Var::Text("text".to_string())),
            ("B".to_string(), Var::Json(r#"{"n":1}"#.to_string()))
        ]
    );
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(p.warnings[0].contains("kv_namespaces"));
}

/// What `@cloudflare/vite-plugin` leaves after `vite build`: the user's config (whose `main`
/// is a package specifier, not a file), the deploy redirect, and the generated config beside
/// the built worker, with paths relative to it and every binding kind listed.
fn vite_plugin_build(dir: &Path) {
    write(
        dir,
        "wrangler.jsonc",
        r#"{ "main": "vinext/server/fetch-handler", "assets": { "directory": "dist/client" } }"#,
    );
    write(
        dir,
        ".wrangler/deploy/config.json",
        r#"{"configPath":"../../dist/server/wrangler.json","auxiliaryWorkers":[]}"#,
    );
    write(dir, "dist/server/index.js", "export default {}");
    write(dir, "dist/client/_next/static/a.js", "");
    write(dir, "drizzle/0000_init.sql", "CREATE TABLE t (x);");
    write(
        dir,
        "dist/server/wrangler.json",
        r#"{"configPath": "/build/wrangler.jsonc", "userConfigPath": "/build/wrangler.jsonc",
            "topLevelName": "app", "definedEnvironments": [], "name": "app",
            "main": "index.js", "compatibility_flags": ["nodejs_compat"],
            "jsx_factory": "React.createElement", "triggers": {},
            "rules": [{"type": "ESModule", "globs": ["**/*.js"]}],
            "assets": {"directory": "../client", "binding": "ASSETS", "html_handling": "none",
                       "run_worker_first": ["/*", "!/_next/static/*"]},
            "durable_objects": {"bindings": []}, "kv_namespaces": [],
            "queues": {"producers": [], "consumers": []},
            "d1_databases": [{"binding": "DB", "database_id": "x",
                              "migrations_dir": "../../drizzle"}],
            "r2_buckets": [{"binding": "UPLOADS", "bucket_name": "u"}],
            "python_modules": {"exclude": ["**/*.pyc"]}, "no_bundle": true}"#,
    );
}

#[test]
fn vite_plugin_output_is_found_through_the_deploy_redirect() {
    let tmp = tempfile::tempdir().expect("tmp");
    vite_plugin_build(tmp.path());
    let p = detect(tmp.path()).expect("project");
    let server = tmp.path().join("dist/server");
    assert_eq!(p.root, server);
    assert_eq!(p.entry.as_deref(), Some("index.js"));
    let assets = p.assets.expect("assets");
    assert_eq!(assets.dir, tmp.path().join("dist/client"));
    assert_eq!(
        assets.routing,
        StaticRouting::Rules {
            worker: vec!["/*".to_string()],
            assets: vec!["/_next/static/*".to_string()],
        }
    );
    let m = p.d1[0].migrations.as_ref().expect("migrations");
    assert_eq!(m.dir, tmp.path().join("drizzle"));
    assert_eq!(p.r2, ["UPLOADS"]);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    // The build folder alone is a project whose assets lie outside it.
    let err = detect(&server).expect_err("refused");
    assert!(
        matches!(&err, ProjectError::Outside { key, value, .. }
            if key == "assets.directory" && value == "../client"),
        "{err}"
    );
}

#[test]
fn a_redirect_to_a_missing_config_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    vite_plugin_build(tmp.path());
    fs::remove_file(tmp.path().join("dist/server/wrangler.json")).expect("rm");
    let err = detect(tmp.path()).expect_err("error");
    assert!(
        err.to_string().contains("dist/server/wrangler.json"),
        "{err}"
    );
    write(tmp.path(), ".wrangler/deploy/config.json", "{}");
    let err = detect(tmp.path()).expect_err("error");
    assert!(
        matches!(&err, ProjectError::Invalid { key, .. } if key == "configPath"),
        "{err}"
    );
}

#[test]
fn run_worker_first_lists_wrangler_refuses_are_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "index.js", "export default {}");
    write(tmp.path(), "public/a.txt", "a");
    for bad in [r#"["!/a/*"]"#, r#"[1]"#, r#""/a/*""#] {
        write(
            tmp.path(),
            "wrangler.json",
            &format!(
                r#"{{"main": "index.js", "assets": {{"directory": "public", "run_worker_first": {bad}}}}}"#
            ),
        );
        let err = detect(tmp.path()).expect_err("error");
        assert!(
            matches!(&err, ProjectError::Invalid { key, .. } if key == "assets.run_worker_first"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn wrangler_toml() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "worker.js", "export default {}");
    write(
        tmp.path(),
        "wrangler.toml",
        "main = \"worker.js\"\n[[d1_databases]]\nbinding = \"DB\"\nmigrations_dir = \"db\"\n[vars]\nX = \"1\"\n",
    );
    let p = detect(tmp.path()).expect("project");
    assert_eq!(p.entry.as_deref(), Some("worker.js"));
    assert_eq!(p.d1[0].binding, "DB");
    assert!(p.d1[0].migrations.is_none(), "db/ does not exist");
    assert_eq!(p.vars, [("X".to_string(), Var::Text("1".to_string()))]);
}

#[test]
fn wrangler_missing_main_is_an_error_naming_file_and_key() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "wrangler.json", r#"{"main": "src/gone.js"}"#);
    let err = detect(tmp.path()).expect_err("error");
    assert!(matches!(&err, ProjectError::Invalid { key, .. } if key == "main"));
    assert!(err.to_string().contains("wrangler.json"), "{err}");
}

#[test]
fn wrangler_bad_handling_value_is_an_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), "public/a.txt", "a");
    write(
        tmp.path(),
        "wrangler.json",
        r#"{"assets": {"directory": "public", "html_handling": "sideways"}}"#,
    );
    let err = detect(tmp.path()).expect_err("error");
    assert!(err.to_string().contains("assets.html_handling"), "{err}");
}

#[test]
fn codex_worker_build_with_client_assets_and_drizzle() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(
        tmp.path(),
        "dist/.openai/hosting.json",
        r#"{"project_id": "p1", "d1": "DB", "r2": null, "future": 1}"#,
    );
    write(tmp.path(), "dist/server/index.js", "export default {}");
    write(tmp.path(), "dist/client/index.html", "hi");
    write(
        tmp.path(),
        "dist/.openai/drizzle/meta/_journal.json",
        r#"{"entries":[]}"#,
    );
    let p = detect(tmp.path()).expect("project");
    assert_eq!(p.root, tmp.path().join("dist/server"));
    assert_eq!(p.entry.as_deref(), Some("index.js"));
    assert_eq!(
        p.assets.expect("assets").dir,
        tmp.path().join("dist/client")
    );
    assert_eq!(p.d1.len(), 1);
    assert_eq!(p.d1[0].binding, "DB");
    let m = p.d1[0].migrations.as_ref().expect("drizzle");
    assert_eq!(m.kind, MigrationsKind::Drizzle);
    assert!(p.r2.is_empty());
}

#[test]
fn codex_worker_build_without_client_serves_dist_minus_server() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(
        tmp.path(),
        "dist/.openai/hosting.json",
        r#"{"r2": "FILES"}"#,
    );
    write(tmp.path(), "dist/server/index.js", "export default {}");
    write(
        tmp.path(),
        "dist/server/wrangler.json",
        r#"{"main": "index.js", "compatibility_flags": ["nodejs_compat"]}"#,
    );
    write(tmp.path(), "dist/index.html", "hi");
    let p = detect(tmp.path()).expect("project");
    assert_eq!(p.compatibility_flags, ["nodejs_compat"]);
    let assets = p.assets.expect("assets");
    assert_eq!(assets.dir, tmp.path().join("dist"));
    assert!(assets.ignore.contains(&"/server/".to_string()));
    assert_eq!(p.r2, ["FILES"]);
}

#[test]
fn codex_static_build() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(
        tmp.path(),
        "dist/.openai/hosting.json",
        r#"{"d1": null, "static": {"directory": "site", "not_found_handling": "404-page"}}"#,
    );
    write(tmp.path(), "dist/site/index.html", "hi");
    let p = detect(tmp.path()).expect("project");
    assert_eq!(p.entry, None);
    let assets = p.assets.expect("assets");
    assert_eq!(assets.dir, tmp.path().join("dist/site"));
    assert_eq!(assets.not_found_handling, NotFoundHandling::NotFoundPage);
}

#[test]
fn codex_static_build_with_bindings_is_an_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(
        tmp.path(),
        "dist/.openai/hosting.json",
        r#"{"d1": "DB", "static": {"directory": "."}}"#,
    );
    let err = detect(tmp.path()).expect_err("error");
    assert!(
        matches!(&err, ProjectError::Invalid { key, .. } if key == "d1"),
        "{err}"
    );
}

#[test]
fn codex_legacy_appgarden_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(
        tmp.path(),
        "dist/_appgen_meta/appgarden.json",
        r#"{"d1": "DB"}"#,
    );
    write(tmp.path(), "dist/server/index.js", "export default {}");
    let p = detect(tmp.path()).expect("project");
    assert_eq!(p.d1[0].binding, "DB");
    assert!(p.d1[0].migrations.is_none());
}

/// A project folder beside another site's, which holds a worker, assets and a config.
fn beside_another_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let other = tmp.path().join("other");
    write(
        &other,
        "wrangler.json",
        r#"{"main": "x.js", "assets": {"directory": "public"}}"#,
    );
    write(&other, "x.js", "export default {}");
    write(&other, "public/secret.txt", "CANARY");
    write(&other, "migrations/0001.sql", "CREATE TABLE leaked (x);");
    let project = tmp.path().join("site");
    write(&project, "index.js", "export default {}");
    write(&project, "public/a.txt", "a");
    (tmp, project)
}

/// `detect` refused the project with an `Outside` error naming `key` and `value` (and the
/// file `file` ends with).
fn assert_outside(dir: &Path, file: &str, key: &str, value: &str) {
    let err = detect(dir).expect_err("refused");
    match &err {
        ProjectError::Outside {
            file: f,
            key: k,
            value: v,
            ..
        } => {
            assert!(f.ends_with(file), "{err}");
            assert_eq!((k.as_str(), v.as_str()), (key, value), "{err}");
        }
        other => panic!("{value:?}: not refused as outside: {other}"),
    }
    let message = err.to_string();
    assert!(
        message.contains(key) && message.contains(value),
        "{message}"
    );
}

#[test]
fn assets_directories_outside_the_project_are_refused() {
    let (tmp, project) = beside_another_site();
    let other_public = tmp.path().join("other/public").display().to_string();
    for value in ["/etc", "../../..", "../other/public", other_public.as_str()] {
        write(
            &project,
            "wrangler.json",
            &format!(r#"{{"main": "index.js", "assets": {{"directory": {value:?}}}}}"#),
        );
        assert_outside(&project, "wrangler.json", "assets.directory", value);
    }
    std::os::unix::fs::symlink("../other/public", project.join("linked")).expect("symlink");
    write(
        &project,
        "wrangler.json",
        r#"{"main": "index.js", "assets": {"directory": "linked"}}"#,
    );
    assert_outside(&project, "wrangler.json", "assets.directory", "linked");
    write(
        &project,
        "wrangler.json",
        r#"{"main": "index.js", "assets": {"directory": "./public/../public"}}"#,
    );
    let p = detect(&project).expect("inside");
    assert_eq!(p.assets.expect("assets").dir, project.join("public"));
}

#[test]
fn main_outside_the_project_is_refused() {
    let (tmp, project) = beside_another_site();
    let abs = tmp.path().join("other/x.js").display().to_string();
    for value in ["../other/x.js", abs.as_str(), "src/../../other/x.js"] {
        write(
            &project,
            "wrangler.json",
            &format!(r#"{{"main": {value:?}}}"#),
        );
        assert_outside(&project, "wrangler.json", "main", value);
    }
    std::os::unix::fs::symlink("../other/x.js", project.join("x.js")).expect("symlink");
    write(&project, "wrangler.json", r#"{"main": "x.js"}"#);
    assert_outside(&project, "wrangler.json", "main", "x.js");
}

#[test]
fn main_beside_the_config_folder_loads_from_the_project() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(
        tmp.path(),
        ".wrangler/deploy/config.json",
        r#"{"configPath": "../../dist/server/wrangler.json"}"#,
    );
    write(
        tmp.path(),
        "dist/server/wrangler.json",
        r#"{"main": "../shared/w.js"}"#,
    );
    write(tmp.path(), "dist/shared/w.js", "export default {}");
    let p = detect(tmp.path()).expect("project");
    assert_eq!(p.root, tmp.path());
    assert_eq!(p.entry.as_deref(), Some("dist/shared/w.js"));
}

#[test]
fn a_deploy_redirect_out_of_the_project_is_refused() {
    let (tmp, project) = beside_another_site();
    let abs = tmp.path().join("other/wrangler.json").display().to_string();
    for value in ["../../../other/wrangler.json", abs.as_str()] {
        write(
            &project,
            ".wrangler/deploy/config.json",
            &format!(r#"{{"configPath": {value:?}}}"#),
        );
        assert_outside(&project, "config.json", "configPath", value);
    }
    std::os::unix::fs::symlink("../../../other", project.join(".wrangler/deploy/to"))
        .expect("symlink");
    write(
        &project,
        ".wrangler/deploy/config.json",
        r#"{"configPath": "to/wrangler.json"}"#,
    );
    assert_outside(&project, "config.json", "configPath", "to/wrangler.json");
}

#[test]
fn migrations_dirs_outside_the_project_are_refused() {
    let (_tmp, project) = beside_another_site();
    for value in ["../other/migrations", "/tmp"] {
        write(
            &project,
            "wrangler.json",
            &format!(
                r#"{{"main": "index.js", "d1_databases": [{{"binding": "DB", "migrations_dir": {value:?}}}]}}"#
            ),
        );
        assert_outside(
            &project,
            "wrangler.json",
            "d1_databases[0].migrations_dir",
            value,
        );
    }
}

#[test]
fn codex_paths_outside_the_project_are_refused() {
    let (_tmp, project) = beside_another_site();
    for value in ["../../other/public", "/etc"] {
        write(
            &project,
            "dist/.openai/hosting.json",
            &format!(r#"{{"static": {{"directory": {value:?}}}}}"#),
        );
        assert_outside(&project, "hosting.json", "static.directory", value);
    }
    fs::remove_dir_all(project.join("dist")).expect("rm");
    // The build folder, or the build's server folder, linked to another site.
    std::os::unix::fs::symlink("../other", project.join("dist")).expect("symlink");
    write(
        &project.join("../other"),
        ".openai/hosting.json",
        r#"{"d1": "DB"}"#,
    );
    let err = detect(&project).expect_err("refused");
    assert!(
        matches!(&err, ProjectError::Read { file, .. } if file.ends_with("dist/.openai/hosting.json")),
        "{err}"
    );
    fs::remove_file(project.join("dist")).expect("rm");
    write(&project, "dist/.openai/hosting.json", r#"{}"#);
    std::os::unix::fs::symlink("../../other", project.join("dist/server")).expect("symlink");
    let err = detect(&project).expect_err("refused");
    assert!(err.to_string().contains("dist/server"), "{err}");
}

#[test]
fn config_files_linked_out_of_the_project_are_not_read() {
    for name in [
        "wrangler.json",
        "dist/_appgen_meta/appgarden.json",
        ".wrangler/deploy/config.json",
    ] {
        let (_tmp, project) = beside_another_site();
        let file = project.join(name);
        fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(project.join("../other/wrangler.json"), &file).expect("symlink");
        let err = detect(&project).expect_err("refused");
        assert!(
            matches!(&err, ProjectError::Read { file: f, .. } if f.ends_with(name)),
            "{name}: {err}"
        );
    }
}
