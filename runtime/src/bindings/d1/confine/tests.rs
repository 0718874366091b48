//! Site SQL stays in its own database: the authorizer's answers, the limits and settings on a
//! D1 connection, the errors refused statements get (D1's, as miniflare gives them), and a
//! property test that statements built from a grammar of dangerous SQL, run as a site runs
//! them, never create, change or open a file but the site's own database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;

use super::super::database::{open_database, run, Mode, Query};
use super::pragma_allowed;

/// D1's error for a statement its authorizer refuses.
const REFUSED: &str = "D1_ERROR: not authorized: SQLITE_AUTH";

/// Runs each of `sqls` on its own against the D1 file `db`, as `run` does for a site.
fn each(db: &Path, sql: &str) -> Result<Vec<Vec<rusqlite::types::Value>>, String> {
    let query = Query {
        sql: sql.to_string(),
        params: Vec::new(),
    };
    let outputs = run(db, vec![query], Mode::Each)?;
    Ok(outputs.into_iter().flat_map(|o| o.rows).collect::<Vec<_>>())
}

fn fresh() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site/d1/DB.sqlite3");
    each(&db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").unwrap();
    (dir, db)
}

#[test]
fn the_pragma_allow_list_is_d1s() {
    let allowed = [
        ("table_list", None),
        ("table_info", Some("t")),
        ("TABLE_XINFO", Some("t")),
        ("index_list", Some("t")),
        ("index_info", Some("i")),
        ("index_xinfo", Some("i")),
        ("foreign_key_list", Some("t")),
        ("foreign_key_check", None),
        ("foreign_key_check", Some("t")),
        ("foreign_keys", None),
        ("foreign_keys", Some("OFF")),
        ("defer_foreign_keys", Some("'on'")),
        ("case_sensitive_like", Some("1")),
        ("ignore_check_constraints", Some("false")),
        ("legacy_alter_table", Some("Yes")),
        ("recursive_triggers", Some("0")),
        ("reverse_unordered_selects", None),
        ("quick_check", None),
        ("quick_check", Some("10")),
        ("optimize", None),
        ("optimize", Some("65538")),
        ("data_version", None),
        ("page_size", None),
    ];
    for (name, value) in allowed {
        assert!(pragma_allowed(name, value), "{name} {value:?}");
    }
    let refused = [
        ("database_list", None),
        ("writable_schema", None),
        ("writable_schema", Some("ON")),
        ("trusted_schema", Some("1")),
        ("journal_mode", None),
        ("journal_mode", Some("DELETE")),
        ("integrity_check", None),
        ("page_count", None),
        ("page_size", Some("1024")),
        ("data_version", Some("1")),
        ("user_version", Some("7")),
        ("temp_store_directory", Some("'/tmp'")),
        ("data_store_directory", Some("'/tmp'")),
        ("mmap_size", Some("1000000")),
        ("foreign_keys", Some("'/etc/passwd'")),
        ("table_info", None),
        ("optimize", Some("all")),
        ("compile_options", None),
        ("nosuch", None),
    ];
    for (name, value) in refused {
        assert!(!pragma_allowed(name, value), "{name} {value:?}");
    }
}

#[test]
fn a_d1_connection_is_defensive_untrusting_and_attaches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let conn = open_database(&dir.path().join("d1/DB.sqlite3")).unwrap();
    assert_eq!(conn.limit(Limit::SQLITE_LIMIT_ATTACHED).unwrap(), 0);
    assert!(conn.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE).unwrap());
    assert!(!conn
        .db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA)
        .unwrap());
    assert!(!conn
        .db_config(DbConfig::SQLITE_DBCONFIG_WRITABLE_SCHEMA)
        .unwrap());
    assert!(!conn
        .db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_ATTACH_CREATE)
        .unwrap());
}

#[test]
fn what_reaches_beyond_the_database_is_refused_with_d1s_error() {
    let (dir, db) = fresh();
    let other = dir.path().join("other.sqlite3");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE secret (v); INSERT INTO secret VALUES ('theirs');")
        .unwrap();
    let other = other.display();
    let made = dir.path().join("made.sqlite3");
    let made = made.display();
    let refused = [
        "PRAGMA database_list".to_string(),
        "SELECT * FROM pragma_database_list".to_string(),
        format!("ATTACH DATABASE '{other}' AS o"),
        format!("ATTACH 'file:{other}?mode=rw' AS o"),
        format!("ATTACH '{made}' AS m"),
        "ATTACH ':memory:' AS m".to_string(),
        "DETACH main".to_string(),
        format!("VACUUM INTO '{made}'"),
        "PRAGMA writable_schema".to_string(),
        "PRAGMA writable_schema = ON".to_string(),
        "PRAGMA trusted_schema = ON".to_string(),
        "PRAGMA journal_mode = DELETE".to_string(),
        format!("PRAGMA temp_store_directory = '{}'", dir.path().display()),
        "PRAGMA integrity_check".to_string(),
        "PRAGMA temp.table_info(t)".to_string(),
        "CREATE TEMP TABLE tt (x)".to_string(),
        "CREATE TEMP VIEW tv AS SELECT 1".to_string(),
        "CREATE VIRTUAL TABLE d USING dbstat".to_string(),
    ];
    for sql in &refused {
        assert_eq!(each(&db, sql).unwrap_err(), REFUSED, "{sql}");
    }
    assert_eq!(
        each(&db, "SELECT load_extension('/tmp/x')").unwrap_err(),
        "D1_ERROR: not authorized: SQLITE_ERROR",
        "extensions are never loaded (the same error as on miniflare)"
    );
    assert!(!dir.path().join("made.sqlite3").exists());
}

#[test]
fn what_d1_allows_still_works_and_the_size_counters_are_read() {
    let (_dir, db) = fresh();
    let allowed = [
        "PRAGMA table_list",
        "PRAGMA main.table_info(t)",
        "SELECT name FROM pragma_table_info('t')",
        "PRAGMA foreign_keys = OFF",
        "PRAGMA foreign_keys = ON",
        "PRAGMA defer_foreign_keys = on",
        "PRAGMA quick_check",
        "PRAGMA optimize",
        "PRAGMA page_size",
        "CREATE VIRTUAL TABLE docs USING fts5(body)",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET v = 'x' WHERE id = new.id; END",
        "CREATE VIEW tv AS SELECT * FROM t",
        "ALTER TABLE t ADD COLUMN w TEXT",
        "INSERT INTO t (v) VALUES ('a')",
        "SELECT count(*) FROM sqlite_master",
        "BEGIN",
        "SAVEPOINT s",
        "RELEASE s",
        "COMMIT",
    ];
    for sql in allowed {
        each(&db, sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let query = Query {
        sql: "INSERT INTO t (v) VALUES ('b')".into(),
        params: Vec::new(),
    };
    let outputs = run(&db, vec![query], Mode::Together).unwrap();
    assert!(outputs[0].size_after >= 4096, "the binding reads the size");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_as_the_database_or_its_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("d1")).unwrap();
    let through_dir = open_database(&dir.path().join("d1/DB.sqlite3")).unwrap_err();
    assert!(through_dir.contains("is a symbolic link"), "{through_dir}");
    std::fs::create_dir(dir.path().join("own")).unwrap();
    let elsewhere = dir.path().join("elsewhere.sqlite3");
    rusqlite::Connection::open(&elsewhere)
        .unwrap()
        .execute_batch("CREATE TABLE x (v)")
        .unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("own/DB.sqlite3")).unwrap();
    assert!(open_database(&dir.path().join("own/DB.sqlite3")).is_err());
    assert!(!dir.path().join("real/DB.sqlite3").exists());
}

/// A temporary tree around a site's D1 file: another site's database, an R2 index, a canary
/// file, and room for files that must never appear.
struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    db: PathBuf,
}

impl Tree {
    fn new() -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let db = root.join("sites/a/d1/DB.sqlite3");
        each(&db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").unwrap();
        for (file, sql) in [
            (
                "sites/b/d1/DB.sqlite3",
                "CREATE TABLE secret (v); INSERT INTO secret VALUES ('b');",
            ),
            (
                "sites/a/r2/BUCKET/bucket.sqlite",
                "CREATE TABLE objects (key TEXT PRIMARY KEY, blob TEXT);",
            ),
        ] {
            std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
            rusqlite::Connection::open(root.join(file))
                .unwrap()
                .execute_batch(sql)
                .unwrap();
        }
        std::fs::write(root.join("canary.txt"), "unchanged").unwrap();
        Tree {
            _dir: dir,
            root,
            db,
        }
    }

    /// Every file of the tree but the site's own database files, with its bytes.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut dirs = vec![self.root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if !self.is_own(&path) {
                    let bytes = std::fs::read(&path).unwrap_or_default();
                    files.insert(path, bytes);
                }
            }
        }
        files
    }

    fn is_own(&self, path: &Path) -> bool {
        path.to_string_lossy()
            .strip_prefix(&*self.db.to_string_lossy())
            .is_some_and(|rest| ["", "-wal", "-shm", "-journal"].contains(&rest))
    }

    /// Files of the tree this process holds open that are not the site's own.
    fn opened(&self) -> Vec<PathBuf> {
        let Ok(fds) = std::fs::read_dir("/proc/self/fd") else {
            return Vec::new();
        };
        fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
            .filter(|target| target.starts_with(&self.root) && !self.is_own(target))
            .collect()
    }
}

/// A path a statement might name: inside the tree (another site's database, the R2 index,
/// the canary, a file that must not appear), climbing with `..`, as a `file:` URI, relative,
/// or SQLite's special names.
fn path(root: &Path) -> impl Strategy<Value = String> {
    let root = root.display().to_string();
    let targets = prop::sample::select(vec![
        "sites/b/d1/DB.sqlite3",
        "sites/a/r2/BUCKET/bucket.sqlite",
        "canary.txt",
        "new.sqlite3",
        "sites/a/d1/made.sqlite3",
    ]);
    (targets, 0..7usize, "[a-z]{1,6}").prop_map(move |(target, form, word)| match form {
        0 => format!("{root}/{target}"),
        1 => format!("{root}/sites/a/d1/../../../{target}"),
        2 => format!("file:{root}/{target}"),
        3 => format!("file:{root}/{target}?mode=rwc"),
        4 => format!("file://{root}/sites/a/d1/../../../{target}?vfs=unix-none"),
        5 => format!("{word}.sqlite3"),
        _ => [":memory:", "", "file::memory:?cache=shared"][word.len() % 3].to_string(),
    })
}

/// A PRAGMA name: real ones that touch files or the schema, D1's own, or made up.
fn pragma_name() -> impl Strategy<Value = String> {
    let known = prop::sample::select(vec![
        "database_list",
        "writable_schema",
        "trusted_schema",
        "temp_store_directory",
        "data_store_directory",
        "journal_mode",
        "locking_mode",
        "mmap_size",
        "wal_checkpoint",
        "schema_version",
        "user_version",
        "integrity_check",
        "cell_size_check",
        "table_info",
        "foreign_keys",
        "quick_check",
        "optimize",
        "main.journal_mode",
        "temp.table_list",
    ])
    .prop_map(str::to_string);
    prop_oneof![known, "[a-z_]{1,12}"]
}

/// One dangerous statement (or a short run of them) about `root`.
fn statement(root: &Path) -> impl Strategy<Value = String> {
    let name = "[a-z]{1,6}";
    let value = prop_oneof![
        Just("ON".to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("'delete'".to_string()),
        path(root).prop_map(|p| format!("'{p}'")),
        "[a-z]{1,6}",
    ];
    prop_oneof![
        (path(root), name).prop_map(|(p, n)| format!("ATTACH DATABASE '{p}' AS {n}")),
        (path(root), name).prop_map(|(p, n)| format!(
            "ATTACH '{p}' AS {n}; CREATE TABLE {n}.x (v); SELECT * FROM {n}.sqlite_master"
        )),
        name.prop_map(|n| format!("DETACH DATABASE {n}")),
        path(root).prop_map(|p| format!("VACUUM INTO '{p}'")),
        Just("VACUUM".to_string()),
        (pragma_name(), prop::option::of(value.clone())).prop_map(|(n, v)| match v {
            Some(v) => format!("PRAGMA {n} = {v}"),
            None => format!("PRAGMA {n}"),
        }),
        (pragma_name(), value.clone()).prop_map(|(n, v)| format!("PRAGMA {n}({v})")),
        (pragma_name(), value.clone()).prop_map(|(n, v)| format!("SELECT * FROM pragma_{n}({v})")),
        path(root).prop_map(|p| format!("SELECT load_extension('{p}')")),
        (name, path(root)).prop_map(|(n, p)| format!(
            "CREATE TRIGGER IF NOT EXISTS {n} AFTER INSERT ON t BEGIN \
             SELECT load_extension('{p}'); END; INSERT INTO t (v) VALUES ('fire')"
        )),
        (name, pragma_name()).prop_map(|(n, p)| format!(
            "CREATE VIEW IF NOT EXISTS {n} AS SELECT * FROM pragma_{p}; SELECT * FROM {n}"
        )),
        name.prop_map(|n| format!("CREATE TEMP TABLE {n} (v)")),
        path(root).prop_map(|p| format!(
            "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = 'ATTACH ''{p}'' AS z'"
        )),
        (name, "[a-z0-9]{1,8}").prop_map(|(n, m)| format!("CREATE VIRTUAL TABLE {n} USING {m}")),
    ]
}

#[test]
fn dangerous_sql_never_reaches_a_file_but_the_sites_own_database() {
    let tree = Tree::new();
    let before = tree.snapshot();
    let cwd = std::env::current_dir().unwrap();
    let names = || -> Vec<_> {
        let mut names: Vec<_> = std::fs::read_dir(&cwd)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let cwd_before = names();
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let statements = prop::collection::vec(statement(&tree.root), 1..4);
    runner
        .run(&statements, |statements| {
            for sql in &statements {
                let _ = each(&tree.db, sql);
                let opened = tree.opened();
                prop_assert!(opened.is_empty(), "{sql} left {opened:?} open");
            }
            let after = tree.snapshot();
            prop_assert!(
                after == before,
                "{statements:?} changed {:?}",
                after
                    .keys()
                    .filter(|k| before.get(*k) != after.get(*k))
                    .chain(before.keys().filter(|k| !after.contains_key(*k)))
                    .collect::<Vec<_>>()
            );
            Ok(())
        })
        .unwrap();
    assert_eq!(
        cwd_before,
        names(),
        "no file appeared in the working directory"
    );
    assert_eq!(
        std::fs::read_to_string(tree.root.join("canary.txt")).unwrap(),
        "unchanged"
    );
}
