//! Tests of the D1 binding through a real isolate against a temporary SQLite file; the
//! expected messages and shapes are miniflare's (4.x) output for the same calls.

use std::path::Path;

use crate::testutil::{run_on, with_bindings};
use crate::{Bindings, Isolate};

/// An isolate whose `env.DB` is the SQLite file `file`.
fn with_database(root: &Path, file: &Path) -> Isolate {
    let bindings = Bindings {
        d1: vec![("DB".into(), file.to_path_buf())],
        ..Default::default()
    };
    with_bindings(root, bindings)
}

/// Runs `body` (an async function body with `DB` in scope) and gives its JSON-encoded result,
/// or `THROW <class>: <message>` when it throws.
fn run(js: &Isolate, body: &str) -> String {
    run_on(
        js,
        &format!(
            "const {{ env }} = await import('cloudflare:workers'); const DB = env.DB; \
             try {{ return JSON.stringify(await (async () => {{ {body} }})()); }} \
             catch (e) {{ return `THROW ${{e.constructor.name}}: ${{e.message}}`; }}"
        ),
    )
}

/// A fresh database with table `t (id INTEGER PRIMARY KEY, name TEXT, b BLOB)`.
fn with_table() -> (tempfile::TempDir, Isolate) {
    let dir = tempfile::tempdir().unwrap();
    let js = with_database(dir.path(), &dir.path().join("d1/db.sqlite"));
    let made = run(
        &js,
        "return DB.exec(\"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, b BLOB);\\nINSERT INTO t (name) VALUES ('a');\")",
    );
    assert!(made.starts_with(r#"{"count":2,"duration":"#), "{made}");
    (dir, js)
}

/// `meta` without its duration (which varies) and with `size_after` only checked to be a
/// whole number of pages (miniflare's files hold an extra table of its own, so are larger).
const NO_DURATION: &str = "const strip = (r) => { delete r.meta.duration; r.meta.size_after = r.meta.size_after % 4096 === 0; return r; };";

#[test]
fn insert_and_select_give_miniflare_shapes() {
    let (_dir, js) = with_table();
    let inserted = run(
        &js,
        &format!("{NO_DURATION} return strip(await DB.prepare('INSERT INTO t (name, b) VALUES (?, ?)').bind('b', new Uint8Array([1,2,3])).run());"),
    );
    assert_eq!(
        inserted,
        r#"{"success":true,"meta":{"served_by":"sitegate.db","changes":1,"last_row_id":2,"changed_db":true,"size_after":true,"rows_read":0,"rows_written":1},"results":[]}"#
    );
    let all = run(
        &js,
        &format!("{NO_DURATION} return strip(await DB.prepare('SELECT * FROM t').all());"),
    );
    assert_eq!(
        all,
        r#"{"success":true,"meta":{"served_by":"sitegate.db","changes":0,"last_row_id":2,"changed_db":false,"size_after":true,"rows_read":2,"rows_written":0},"results":[{"id":1,"name":"a","b":null},{"id":2,"name":"b","b":[1,2,3]}]}"#
    );
    assert_eq!(
        run(&js, "return DB.prepare('SELECT * FROM t').first()"),
        r#"{"id":1,"name":"a","b":null}"#
    );
    assert_eq!(
        run(&js, "return DB.prepare('SELECT * FROM t').first('name')"),
        r#""a""#
    );
    assert_eq!(
        run(
            &js,
            "return DB.prepare('SELECT * FROM t WHERE id = 99').first()"
        ),
        "null"
    );
    assert_eq!(
        run(&js, "return DB.prepare('UPDATE t SET name = ? WHERE id = ?').bind('z', 1).run().then(r => [r.meta.changes, r.meta.rows_written])"),
        "[1,1]"
    );
    assert_eq!(
        run(&js, "await DB.prepare('DELETE FROM t WHERE id = 1').run(); return DB.prepare('SELECT count(*) AS n FROM t').first('n')"),
        "1"
    );
}

#[test]
fn first_with_a_missing_column_is_d1_column_notfound() {
    let (_dir, js) = with_table();
    assert_eq!(
        run(&js, "return DB.prepare('SELECT * FROM t').first('zz')"),
        "THROW Error: D1_COLUMN_NOTFOUND: Column not found (zz)"
    );
}

#[test]
fn raw_gives_arrays_and_optionally_column_names() {
    let (_dir, js) = with_table();
    assert_eq!(
        run(&js, "return DB.prepare('SELECT id, name FROM t').raw()"),
        r#"[[1,"a"]]"#
    );
    assert_eq!(
        run(
            &js,
            "return DB.prepare('SELECT id, name FROM t').raw({columnNames: true})"
        ),
        r#"[["id","name"],[1,"a"]]"#
    );
}

#[test]
fn bind_checks_types_at_once() {
    let (_dir, js) = with_table();
    assert_eq!(
        run(&js, "return DB.prepare('SELECT ?').bind({a: 1})"),
        "THROW Error: D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'"
    );
    assert_eq!(
        run(&js, "return DB.prepare('SELECT ?').bind(undefined)"),
        "THROW Error: D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined'"
    );
    assert_eq!(
        run(
            &js,
            "return DB.prepare('SELECT ? AS x, ? AS y, ? AS z').bind(true, 2.5, null).first()"
        ),
        r#"{"x":1,"y":2.5,"z":null}"#
    );
}

#[test]
fn sqlite_errors_are_d1_errors_with_their_codes() {
    let (_dir, js) = with_table();
    assert_eq!(
        run(&js, "return DB.prepare('SELECT * FROM nope').all()"),
        "THROW Error: D1_ERROR: no such table: nope: SQLITE_ERROR"
    );
    assert_eq!(
        run(&js, "return DB.prepare('INSERT INTO t (id) VALUES (1)').run()"),
        "THROW Error: D1_ERROR: UNIQUE constraint failed: t.id: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)"
    );
    assert_eq!(
        run(&js, "return DB.prepare('SELEC 1').all()"),
        r#"THROW Error: D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR"#
    );
    assert_eq!(
        run(&js, "try { await DB.prepare('SELECT * FROM nope').all(); } catch (e) { return [e instanceof Error, e.cause.message]; }"),
        r#"[true,"no such table: nope: SQLITE_ERROR"]"#
    );
}

#[test]
fn batch_runs_in_one_transaction_and_rolls_back_on_failure() {
    let (_dir, js) = with_table();
    assert_eq!(
        run(&js, "return (await DB.batch([DB.prepare(\"INSERT INTO t (name) VALUES ('c')\"), DB.prepare('SELECT count(*) AS n FROM t')])).map(r => [r.success, r.meta.changes, r.results])"),
        r#"[[true,1,[]],[true,0,[{"n":2}]]]"#
    );
    assert_eq!(
        run(&js, "return DB.batch([DB.prepare(\"INSERT INTO t (name) VALUES ('d')\"), DB.prepare('SELECT * FROM nope')])"),
        "THROW Error: D1_ERROR: no such table: nope: SQLITE_ERROR"
    );
    assert_eq!(
        run(
            &js,
            "return DB.prepare('SELECT count(*) AS n FROM t').first('n')"
        ),
        "2"
    );
    assert_eq!(
        run(&js, "return DB.batch([])"),
        "THROW Error: D1_ERROR: No SQL statements detected."
    );
}

#[test]
fn exec_counts_lines_and_reports_errors_as_d1_exec_error() {
    let (_dir, js) = with_table();
    assert_eq!(
        run(&js, "return DB.exec(\"INSERT INTO t (name) VALUES ('x');\\nSELECT * FROM nope;\")"),
        "THROW Error: D1_EXEC_ERROR: Error in line 1: INSERT INTO t (name) VALUES ('x');: no such table: nope: SQLITE_ERROR"
    );
    assert_eq!(
        run(
            &js,
            "return DB.prepare('SELECT count(*) AS n FROM t').first('n')"
        ),
        "1"
    );
    assert_eq!(
        run(&js, "return DB.exec('CREATE TABLE t (x);')"),
        "THROW Error: D1_EXEC_ERROR: Error in line 1: CREATE TABLE t (x);: table t already exists at offset 13: SQLITE_ERROR"
    );
}

#[test]
fn transactions_issued_through_run_work() {
    let (_dir, js) = with_table();
    assert_eq!(
        run(&js, "await DB.prepare('BEGIN').run(); await DB.prepare(\"INSERT INTO t (name) VALUES ('r')\").run(); await DB.prepare('ROLLBACK').run(); return DB.prepare('SELECT count(*) AS n FROM t').first('n')"),
        "1"
    );
    assert_eq!(
        run(&js, "await DB.prepare('SAVEPOINT s').run(); await DB.prepare(\"INSERT INTO t (name) VALUES ('k')\").run(); await DB.prepare('RELEASE s').run(); return DB.prepare('SELECT count(*) AS n FROM t').first('n')"),
        "2"
    );
}

#[test]
fn sessions_prepare_and_batch_and_bookmark_what_they_saw() {
    let (_dir, js) = with_table();
    assert_eq!(
        run(&js, "const s = DB.withSession(); const before = s.getBookmark(); return [before, await s.prepare('SELECT name FROM t').first('name'), /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/.test(s.getBookmark()), DB.withSession().getBookmark()]"),
        r#"[null,"a",true,null]"#
    );
}

#[test]
fn values_are_bound_as_workerd_binds_them() {
    let (_dir, js) = with_table();
    let cases = [
        (
            "DB.prepare('SELECT typeof(?) AS t').bind(3).first('t')",
            r#""real""#,
        ),
        ("DB.prepare('SELECT ? / 2 AS v').bind(5).first('v')", "2.5"),
        ("DB.prepare('SELECT ? AS v').bind(NaN).first('v')", "null"),
        (
            "DB.prepare('SELECT ? AS v').bind(new Int16Array([1, -1])).first('v')",
            "[1,255]",
        ),
        (
            "DB.prepare('SELECT ? AS v').bind(new DataView(new ArrayBuffer(2))).first('v')",
            "[]",
        ),
        (
            "(async () => DB.prepare('SELECT ? AS v').bind({}))().catch(e => e.cause.message)",
            r#""Type 'object' not supported for value '[object Object]'""#,
        ),
        (
            "DB.prepare('SELECT * FROM t').first('zz').catch(e => e.cause.message)",
            r#""Column not found""#,
        ),
    ];
    for (call, expected) in cases {
        assert_eq!(run(&js, &format!("return {call}")), expected, "{call}");
    }
}

#[test]
fn values_go_to_the_last_statement_and_must_match_its_parameters() {
    let (_dir, js) = with_table();
    let cases = [
        ("DB.prepare('SELECT 1 AS a').bind(5).first()", "THROW Error: D1_ERROR: Wrong number of parameter bindings for SQL query."),
        ("DB.prepare('SELECT ? AS a; SELECT ? AS b').bind(1, 2).first()", "THROW Error: D1_ERROR: When executing multiple SQL statements in a single call, only the last statement can have parameters."),
        ("DB.prepare(\"CREATE TABLE u (x); INSERT INTO u VALUES (?); SELECT x FROM u\").bind(4).first()", "THROW Error: D1_ERROR: When executing multiple SQL statements in a single call, only the last statement can have parameters."),
        ("DB.prepare(\"CREATE TABLE v (x); INSERT INTO v VALUES (?)\").bind(4).run().then(() => DB.prepare('SELECT x FROM v').first('x'))", "4"),
        ("DB.prepare('SELECT ?2 AS a, ?1 AS b').bind('x', 'y').first()", r#"{"a":"y","b":"x"}"#),
        ("DB.prepare('-- only a comment').run()", "THROW Error: D1_ERROR: SQL code did not contain a statement."),
        ("DB.prepare('   ').run()", "THROW Error: D1_ERROR: No SQL statements detected."),
        ("DB.prepare('DELETE FROM t WHERE id = 99').run().then(r => r.meta.changed_db)", "false"),
    ];
    for (call, expected) in cases {
        assert_eq!(run(&js, &format!("return {call}")), expected, "{call}");
    }
}

#[test]
fn data_is_in_the_file_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kept.sqlite");
    {
        let js = with_database(dir.path(), &file);
        run(
            &js,
            "return DB.exec(\"CREATE TABLE k (v BLOB);\\nINSERT INTO k VALUES (x'0aff');\")",
        );
    }
    let conn = super::open_database(&file).unwrap();
    let bytes: Vec<u8> = conn.query_row("SELECT v FROM k", [], |r| r.get(0)).unwrap();
    assert_eq!(bytes, vec![0x0a, 0xff]);
    let js = with_database(dir.path(), &file);
    assert_eq!(
        run(&js, "return DB.prepare('SELECT v FROM k').first('v')"),
        "[10,255]"
    );
}

#[test]
fn odd_queries_behave_as_in_miniflare() {
    let (_dir, js) = with_table();
    let cases = [
        ("DB.prepare('SELECT ? AS v').bind([1,2,3]).first()", r#"{"v":[1,2,3]}"#),
        ("DB.prepare('SELECT ? AS v').bind(10n)", "THROW Error: D1_TYPE_ERROR: Type 'bigint' not supported for value '10'"),
        ("DB.prepare('SELECT 1 AS a; SELECT 2 AS b').all().then(r => r.results)", r#"[{"b":2}]"#),
        ("DB.prepare('').run()", "THROW Error: D1_ERROR: No SQL statements detected."),
        ("DB.batch([DB.prepare('SELECT 1 AS a'), DB.prepare(' ')]).then(r => r.length)", "1"),
        ("DB.exec(\"INSERT INTO t (name) VALUES ('q');\\n\\nINSERT INTO t (name) VALUES ('r');\").then(r => r.count)", "2"),
        ("DB.prepare('SELECT ? AS a').bind(1).bind(2).first()", r#"{"a":2}"#),
        ("DB.prepare('SELECT 1 AS a, 2 AS a').all().then(r => r.results)", r#"[{"a":2}]"#),
        ("DB.prepare('SELECT 1 AS a, 2 AS a').raw()", "[[1,2]]"),
        ("DB.exec('CREATE TABLE n (x NOT NULL);\\nINSERT INTO n VALUES (NULL);')", "THROW Error: D1_EXEC_ERROR: Error in line 1: CREATE TABLE n (x NOT NULL);: NOT NULL constraint failed: n.x: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_NOTNULL)"),
        ("DB.prepare('SELECT ? AS a, ? AS b').bind(1).first()", "THROW Error: D1_ERROR: Wrong number of parameter bindings for SQL query."),
        ("DB.prepare('SELECT ? AS a').bind(1, 2).first()", "THROW Error: D1_ERROR: Wrong number of parameter bindings for SQL query."),
        ("DB.prepare('SELECT 9007199254740993 AS a').first('a')", "9007199254740992"),
        ("DB.prepare('SELECT ? AS a').bind(new Uint8Array([5,6,7]).subarray(1)).first('a')", "[6,7]"),
        ("DB.prepare('SELECT * FROM t WHERE id = 99').first('zz')", "null"),
        ("Object.keys(DB.prepare('SELECT 1'))", r#"["statement","params"]"#),
        ("DB.exec('SELECT 1;').then(r => Object.keys(r))", r#"["count","duration"]"#),
    ];
    for (call, expected) in cases {
        assert_eq!(run(&js, &format!("return {call}")), expected, "{call}");
    }
}
