//! Applying wrangler and drizzle migrations.

use std::fs;
use std::path::Path;

use rusqlite::Connection;

use super::{apply, MigrationError, Migrations, MigrationsKind};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .expect("open")
        .query_row(sql, [], |row| row.get(0))
        .expect("query")
}

#[test]
fn wrangler_applies_in_order_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("migrations");
    write(&dir, "0002_seed.sql", "INSERT INTO t (v) VALUES ('a');");
    write(&dir, "0001_init.sql", "CREATE TABLE t (v TEXT);");
    let db = tmp.path().join("db.sqlite");
    let m = Migrations {
        root: tmp.path().to_path_buf(),
        dir: dir.clone(),
        kind: MigrationsKind::Wrangler,
    };
    assert_eq!(
        apply(&db, &m).expect("apply"),
        ["0001_init.sql", "0002_seed.sql"]
    );
    assert!(apply(&db, &m).expect("again").is_empty());
    assert_eq!(count(&db, "SELECT count(*) FROM t"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM d1_migrations"), 2);
    let mode: String = Connection::open(&db)
        .expect("open")
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
}

#[test]
fn failing_migration_is_rolled_back_and_named() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("migrations");
    write(&dir, "0001_init.sql", "CREATE TABLE t (v TEXT);");
    write(
        &dir,
        "0002_bad.sql",
        "CREATE TABLE u (v TEXT); INSERT INTO nowhere VALUES (1);",
    );
    let db = tmp.path().join("db.sqlite");
    let m = Migrations {
        root: tmp.path().to_path_buf(),
        dir,
        kind: MigrationsKind::Wrangler,
    };
    let err = apply(&db, &m).expect_err("fails");
    assert!(matches!(err, MigrationError::Statement { .. }));
    assert!(err.to_string().contains("0002_bad.sql"), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM d1_migrations"), 1);
    assert_eq!(
        count(&db, "SELECT count(*) FROM sqlite_master WHERE name = 'u'"),
        0
    );
}

#[test]
fn drizzle_follows_the_journal() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("drizzle");
    write(
        &dir,
        "meta/_journal.json",
        r#"{"version":"7","dialect":"sqlite","entries":[
            {"idx":0,"version":"6","when":1700000000000,"tag":"0000_first","breakpoints":true},
            {"idx":1,"version":"6","when":1700000001000,"tag":"0001_second","breakpoints":true}]}"#,
    );
    write(
        &dir,
        "0000_first.sql",
        "CREATE TABLE a (x INTEGER);\n--> statement-breakpoint\nCREATE TABLE b (y INTEGER);\n",
    );
    write(&dir, "0001_second.sql", "INSERT INTO a VALUES (1);");
    let db = tmp.path().join("db.sqlite");
    let m = Migrations {
        root: tmp.path().to_path_buf(),
        dir: dir.clone(),
        kind: MigrationsKind::Drizzle,
    };
    assert_eq!(
        apply(&db, &m).expect("apply"),
        ["0000_first.sql", "0001_second.sql"]
    );
    assert!(apply(&db, &m).expect("again").is_empty());
    assert_eq!(count(&db, "SELECT count(*) FROM a"), 1);
    assert_eq!(
        count(&db, "SELECT max(created_at) FROM __drizzle_migrations"),
        1700000001000
    );
    let hash: String = Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT hash FROM __drizzle_migrations ORDER BY created_at LIMIT 1",
            [],
            |row| row.get(0),
        )
        .expect("hash");
    assert_eq!(hash.len(), 64);
}

#[test]
fn drizzle_missing_file_is_named() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("drizzle");
    write(
        &dir,
        "meta/_journal.json",
        r#"{"entries":[{"idx":0,"when":1,"tag":"0000_gone","breakpoints":true}]}"#,
    );
    let m = Migrations {
        root: tmp.path().to_path_buf(),
        dir,
        kind: MigrationsKind::Drizzle,
    };
    let err = apply(&tmp.path().join("db.sqlite"), &m).expect_err("fails");
    assert!(err.to_string().contains("0000_gone.sql"), "{err}");
}

#[test]
fn migration_files_linked_out_of_the_project_are_never_read() {
    let outside = tempfile::tempdir().expect("tmp");
    write(
        outside.path(),
        "secret.sql",
        "CREATE TABLE leaked (v TEXT);",
    );
    write(outside.path(), "meta/_journal.json", r#"{"entries":[]}"#);
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("migrations");
    write(&dir, "0001_init.sql", "CREATE TABLE t (v TEXT);");
    std::os::unix::fs::symlink(outside.path().join("secret.sql"), dir.join("0002_x.sql"))
        .expect("symlink");
    let db = tmp.path().join("db.sqlite");
    let m = Migrations {
        root: tmp.path().to_path_buf(),
        dir: dir.clone(),
        kind: MigrationsKind::Wrangler,
    };
    assert_eq!(apply(&db, &m).expect("apply"), ["0001_init.sql"]);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sqlite_master WHERE name = 'leaked'"
        ),
        0
    );

    // drizzle's journal and its files are read beneath the folder too.
    let drizzle = tmp.path().join("drizzle");
    fs::create_dir_all(&drizzle).expect("mkdir");
    std::os::unix::fs::symlink(outside.path().join("meta"), drizzle.join("meta")).expect("symlink");
    let m = Migrations {
        root: tmp.path().to_path_buf(),
        dir: drizzle,
        kind: MigrationsKind::Drizzle,
    };
    let err = apply(&db, &m).expect_err("refused");
    assert!(
        matches!(&err, MigrationError::Read { file, .. } if file.ends_with("meta/_journal.json")),
        "{err}"
    );

    // The folder itself linked out of the project is not opened.
    let linked = tmp.path().join("linked");
    std::os::unix::fs::symlink(outside.path(), &linked).expect("symlink");
    let m = Migrations {
        root: tmp.path().to_path_buf(),
        dir: linked,
        kind: MigrationsKind::Wrangler,
    };
    assert!(apply(&tmp.path().join("db2.sqlite"), &m).is_err());
}
