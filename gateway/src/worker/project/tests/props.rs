//! The property: whatever tree a project holds (names, symlinks into and out of it, configs
//! naming `..`, absolute paths and those links), neither detecting it, opening its assets and
//! serving every name in it, loading its entry module, applying its migrations nor copying it
//! for a deploy reads a file outside it. Outside lies another site whose every file holds
//! the canary.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Component, Path, PathBuf};

use http::{HeaderMap, Method};
use proptest::prelude::*;
use runtime::bindings::Assets;

use super::super::detect;
use crate::deploy::tree::{self, TreeLimits};
use crate::worker::migrations;

const CANARY: &str = "CANARY-5e1f";

/// The segments paths in the tree are made of.
const NAMES: &[&str] = &[
    "a",
    "public",
    "dist",
    "server",
    "client",
    ".openai",
    "drizzle",
    "migrations",
    "meta",
    "index.js",
    "x.js",
    "_headers",
    ".assetsignore",
    "0001_x.sql",
    "_journal.json",
];

/// Paths a config may name (`$OUT`: the other site, `$ROOT`: the project, absolute).
const VALUES: &[&str] = &[
    "public",
    ".",
    "..",
    "../..",
    "../../..",
    "/etc",
    "$OUT",
    "$OUT/canary.js",
    "$ROOT/public",
    "a/../../outside",
    "../outside",
    "dist/client",
    "../client",
    "index.js",
    "x.js",
    "a",
    "a/x.js",
    "link",
    "link/canary.js",
    "link/wrangler.json",
    "../../link",
    "../../dist/server/wrangler.json",
    "../../link/wrangler.json",
    "../outside/wrangler.json",
    "migrations",
    "drizzle",
    "server/..",
    "./a/./x.js",
];

/// What a symlink points to (`$OUT`, `$ROOT` as in `VALUES`).
const TARGETS: &[&str] = &[
    "$OUT",
    "$OUT/canary.js",
    "$OUT/canary.txt",
    "../outside",
    "../../outside",
    "../../../outside/canary.js",
    "$ROOT/public",
    "public",
    "../a",
    "x.js",
    "nowhere",
];

/// What a plain file holds.
const CONTENTS: &[&str] = &[
    "export default { fetch() { return new Response('inside'); } };",
    "import './link/canary.js'; export default {};",
    "import '../outside/canary.js'; export default {};",
    "import './a/x.js'; import('./link/canary.js'); export default {};",
    "CREATE TABLE inside (x);",
    "/*\n  X-Inside: yes\n",
    r#"{"entries": [{"when": 1, "tag": "0001_x"}]}"#,
];

/// The config files a project may have.
const CONFIGS: &[&str] = &[
    "wrangler.json",
    ".wrangler/deploy/config.json",
    "dist/server/wrangler.json",
    "dist/.openai/hosting.json",
    ".openai/hosting.json",
    "dist/_appgen_meta/appgarden.json",
];

/// Where links are most often made: the paths configs name.
const LINK_AT: &[&str] = &[
    "link",
    "public",
    "a",
    "x.js",
    "index.js",
    "dist",
    "dist/server",
    "dist/client",
    "migrations",
    "drizzle",
    "dist/.openai",
    ".wrangler/deploy",
    "public/_headers",
];

#[derive(Debug, Clone)]
struct Tree {
    files: Vec<(Vec<usize>, usize)>,
    links: Vec<(PathBuf, usize)>,
    configs: Vec<(usize, [usize; 3], bool)>,
}

fn tree() -> impl Strategy<Value = Tree> {
    let path = || prop::collection::vec(0..NAMES.len(), 1..4);
    let link_at = prop_oneof![
        (0..LINK_AT.len()).prop_map(|i| PathBuf::from(LINK_AT[i])),
        path().prop_map(|parts| joined(&parts)),
    ];
    (
        prop::collection::vec((path(), 0..CONTENTS.len()), 0..10),
        prop::collection::vec((link_at, 0..TARGETS.len()), 0..4),
        prop::collection::vec(
            (
                0..CONFIGS.len(),
                [0..VALUES.len(), 0..VALUES.len(), 0..VALUES.len()],
                any::<bool>(),
            ),
            1..4,
        ),
    )
        .prop_map(|(files, links, configs)| Tree {
            files,
            links,
            configs,
        })
}

/// `$OUT` and `$ROOT` of `text` replaced.
fn fill(text: &str, root: &Path, outside: &Path) -> String {
    text.replace("$OUT", &outside.display().to_string())
        .replace("$ROOT", &root.display().to_string())
}

fn joined(parts: &[usize]) -> PathBuf {
    parts.iter().map(|&i| NAMES[i]).collect()
}

/// Writes `text` at `path`, if the tree leaves room for it (a file may stand where a
/// folder was wanted).
fn put(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        let _ = fs::create_dir_all(parent);
    }
    let _ = fs::write(path, text);
}

/// The other site: every file of it holds the canary.
fn other_site(outside: &Path) {
    put(&outside.join("canary.txt"), CANARY);
    put(
        &outside.join("canary.js"),
        &format!("globalThis.leaked = '{CANARY}'; export default {{}};"),
    );
    put(
        &outside.join("0001_x.sql"),
        &format!("CREATE TABLE leaked (x); -- {CANARY}"),
    );
    put(
        &outside.join("meta/_journal.json"),
        r#"{"entries": [{"when": 1, "tag": "0001_x"}]}"#,
    );
    put(
        &outside.join("_headers"),
        &format!("/*\n  X-Leak: {CANARY}\n"),
    );
    put(
        &outside.join("wrangler.json"),
        r#"{"main": "canary.js", "assets": {"directory": "."},
            "d1_databases": [{"binding": "DB", "migrations_dir": "."}]}"#,
    );
    put(&outside.join(".openai/hosting.json"), r#"{"d1": "DB"}"#);
}

fn make(tree: &Tree, root: &Path, outside: &Path) {
    for (parts, content) in &tree.files {
        put(&root.join(joined(parts)), CONTENTS[*content]);
    }
    for (config, [a, b, c], flag) in &tree.configs {
        let [a, b, c] = [a, b, c].map(|v| fill(VALUES[*v], root, outside));
        let text = match CONFIGS[*config] {
            ".wrangler/deploy/config.json" => format!(r#"{{"configPath": {a:?}}}"#),
            name if name.ends_with("hosting.json") && *flag => {
                format!(r#"{{"static": {{"directory": {a:?}}}}}"#)
            }
            name if name.ends_with(".json") && !name.contains("wrangler") => {
                r#"{"d1": "DB"}"#.to_string()
            }
            _ => format!(
                r#"{{"main": {a:?}, "assets": {{"directory": {b:?}{}}},
                    "d1_databases": [{{"binding": "DB", "migrations_dir": {c:?}}}]}}"#,
                if *flag {
                    r#", "binding": "ASSETS""#
                } else {
                    ""
                }
            ),
        };
        put(&root.join(CONFIGS[*config]), &text);
    }
    for (at, target) in &tree.links {
        let at = root.join(at);
        if let Some(parent) = at.parent() {
            let _ = fs::create_dir_all(parent);
        }
        let _ = symlink(fill(TARGETS[*target], root, outside), at);
    }
}

/// Whether `path` is lexically under `root` and, where it exists, really there too.
fn inside(path: &Path, root: &Path, real_root: &Path) -> bool {
    let lexical =
        path.starts_with(root) && !path.components().any(|c| matches!(c, Component::ParentDir));
    lexical && fs::canonicalize(path).map_or(true, |real| real.starts_with(real_root))
}

/// Every name in the tree under `root` (links not followed), relative to it.
fn names(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let Ok(entries) = fs::read_dir(root.join(&relative)) else {
            continue;
        };
        for entry in entries.flatten() {
            let child = relative.join(entry.file_name());
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(child.clone());
            }
            out.push(child);
        }
    }
    out
}

/// Serving every name of the project (and what a link might lead to) from its assets shows
/// no canary.
fn check_assets(root: &Path, dir: &Path) {
    let Ok(assets) = Assets::new(root, dir, Default::default(), Default::default()) else {
        return;
    };
    let relative_dir = dir.strip_prefix(root).unwrap_or(dir);
    for name in names(root) {
        let Ok(under) = name.strip_prefix(relative_dir) else {
            continue;
        };
        for leaf in ["", "canary.txt", "canary.js", "_headers"] {
            let url = format!("/{}", under.join(leaf).display());
            let Some(answer) = assets.serve(&Method::GET, &url, &HeaderMap::new()) else {
                continue;
            };
            let body = String::from_utf8_lossy(&answer.body);
            assert!(!body.contains(CANARY), "{url} served the other site's file");
            let headers = format!("{:?}", answer.headers);
            assert!(!headers.contains(CANARY), "{url}: {headers}");
        }
    }
}

/// Loading the entry module runs nothing of the other site.
fn check_modules(root: &Path, entry: &str) {
    let Ok(js) = runtime::Isolate::new(root, runtime::Limits::default()) else {
        return;
    };
    let _ = js.load_entry(entry);
    let leaked = js.eval::<String>("String(globalThis.leaked)");
    assert!(
        !leaked.as_deref().is_ok_and(|l| l.contains(CANARY)),
        "{entry} ran the other site's module"
    );
}

/// Applying the migrations creates none of the other site's tables.
fn check_migrations(db: &Path, m: &migrations::Migrations) {
    let _ = migrations::apply(db, m);
    let Ok(conn) = rusqlite::Connection::open(db) else {
        return;
    };
    let leaked: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'leaked'",
            [],
            |row| row.get(0),
        )
        .unwrap_or(0);
    assert_eq!(
        leaked,
        0,
        "{} ran the other site's migration",
        m.dir.display()
    );
}

/// A deploy's copy holds no canary.
fn check_deploy(root: &Path, staging: &Path) {
    let limits = TreeLimits {
        max_bytes: 1 << 20,
        max_files: 1000,
    };
    if tree::copy(root, staging, limits).is_err() {
        return;
    }
    for name in names(staging) {
        let text = fs::read(staging.join(&name)).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&text).contains(CANARY),
            "{} was copied from outside",
            name.display()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn nothing_outside_a_project_is_ever_read(tree in tree()) {
        let tmp = tempfile::tempdir().expect("tmp");
        let (root, outside) = (tmp.path().join("project"), tmp.path().join("outside"));
        fs::create_dir_all(&root).expect("mkdir");
        other_site(&outside);
        make(&tree, &root, &outside);
        let real_root = fs::canonicalize(&root).expect("real");

        check_deploy(&root, &tmp.path().join("staging"));
        let Ok(project) = detect(&root) else {
            return Ok(());
        };
        let mut paths = vec![project.root.clone()];
        if let Some(entry) = &project.entry {
            paths.push(project.root.join(entry));
        }
        paths.extend(project.assets.iter().map(|a| a.dir.clone()));
        paths.extend(project.d1.iter().filter_map(|d| d.migrations.as_ref()).map(|m| m.dir.clone()));
        for path in &paths {
            prop_assert!(inside(path, &root, &real_root), "{} is outside", path.display());
        }
        if let Some(assets) = &project.assets {
            check_assets(&root, &assets.dir);
        }
        if let Some(entry) = &project.entry {
            check_modules(&project.root, entry);
        }
        for (i, m) in project.d1.iter().filter_map(|d| d.migrations.as_ref()).enumerate() {
            check_migrations(&tmp.path().join(format!("db{i}.sqlite")), m);
        }
    }
}
