//! The SQLite side of D1: one shared connection per database file (WAL, created on first
//! use, confined to that file), and running statements on it with D1's result counters and
//! error messages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rusqlite::fallible_iterator::FallibleIterator;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Batch, Connection, OpenFlags, Statement};

use super::confine::{confine, Ours};
use super::statements;

/// How long a statement waits for a lock held by another connection to the same file.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating it and its directory if missing) the D1 database file at `path` with the
/// settings every D1 connection uses: write-ahead logging, foreign keys enforced, and
/// confined to that one database (see `confine`). A symbolic link as the file or as its
/// directory is refused.
pub fn open_database(path: &Path) -> Result<Connection, String> {
    open(path).map(|database| database.conn)
}

/// A D1 connection and the flag that tells its authorizer the binding's own statements.
struct Database {
    conn: Connection,
    ours: Ours,
}

fn open(path: &Path) -> Result<Database, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("D1_ERROR: {e}"))?;
        let linked = std::fs::symlink_metadata(dir)
            .map_err(|e| format!("D1_ERROR: {e}"))?
            .file_type()
            .is_symlink();
        if linked {
            return Err(format!(
                "D1_ERROR: the database's directory {} is a symbolic link",
                dir.display()
            ));
        }
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| d1_error(&e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| d1_error(&e))?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")
        .map_err(|e| d1_error(&e))?;
    let ours = Ours::default();
    confine(&conn, ours.clone()).map_err(|e| d1_error(&e))?;
    Ok(Database { conn, ours })
}

/// The process-wide connection for `path`, opened on first use.
fn shared(path: &Path) -> Result<Arc<Mutex<Database>>, String> {
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, Arc<Mutex<Database>>>>> = OnceLock::new();
    let mut open_now = OPEN
        .get_or_init(Mutex::default)
        .lock()
        .map_err(|_| "D1_ERROR: database map poisoned".to_string())?;
    if let Some(database) = open_now.get(path) {
        return Ok(database.clone());
    }
    let database = Arc::new(Mutex::new(open(path)?));
    open_now.insert(path.to_path_buf(), database.clone());
    Ok(database)
}

/// One statement to run: its SQL and bound values.
pub(crate) struct Query {
    pub(crate) sql: String,
    pub(crate) params: Vec<Value>,
}

/// What one query produced.
pub(crate) struct Output {
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<Value>>,
    pub(crate) duration: f64,
    pub(crate) changes: u64,
    pub(crate) last_row_id: i64,
    pub(crate) changed_db: bool,
    pub(crate) size_after: u64,
    pub(crate) rows_read: u64,
    pub(crate) rows_written: u64,
    /// The database's commit count after the query, for session bookmarks.
    pub(crate) commits: u64,
}

/// How statements are run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Each on its own (so `BEGIN` and `COMMIT` through `run` work).
    Each,
    /// All in one transaction (a savepoint, so it nests in one the site opened), undone
    /// entirely when one fails.
    Together,
}

/// Runs `queries` on the database at `path`; an error is D1's message for it.
pub(crate) fn run(path: &Path, queries: Vec<Query>, mode: Mode) -> Result<Vec<Output>, String> {
    let database = shared(path)?;
    let database = database
        .lock()
        .map_err(|_| "D1_ERROR: database connection poisoned".to_string())?;
    let conn = &database.conn;
    if mode == Mode::Each {
        return queries.iter().map(|q| run_one(&database, q)).collect();
    }
    conn.execute_batch("SAVEPOINT d1_batch")
        .map_err(|e| d1_error(&e))?;
    let outputs: Result<Vec<Output>, String> =
        queries.iter().map(|q| run_one(&database, q)).collect();
    let end = match outputs {
        Ok(_) => "RELEASE d1_batch",
        Err(_) => "ROLLBACK TO d1_batch; RELEASE d1_batch",
    };
    conn.execute_batch(end).map_err(|e| d1_error(&e))?;
    outputs
}

/// Runs one query: each statement of its SQL in turn, the values bound to the last one
/// (whose rows are the output), as workerd does.
fn run_one(database: &Database, query: &Query) -> Result<Output, String> {
    let start = Instant::now();
    let conn = &database.conn;
    let before = Counters::of(database)?;
    let statements = statements::count(&query.sql);
    let mut batch = Batch::new(conn, &query.sql);
    let mut last = None;
    let mut index = 0;
    while let Some(mut stmt) = batch.next().map_err(|e| d1_error(&e))? {
        index += 1;
        let params: &[Value] = if index < statements {
            if stmt.parameter_count() > 0 {
                return Err(ONLY_LAST_BINDS.to_string());
            }
            &[]
        } else {
            &query.params
        };
        if stmt.parameter_count() != params.len() {
            return Err(WRONG_BINDS.to_string());
        }
        last = Some(rows_of(&mut stmt, params)?);
    }
    let (columns, rows) = last.ok_or_else(|| NO_STATEMENTS.to_string())?;
    let after = Counters::of(database)?;
    let changes = after.changes.saturating_sub(before.changes);
    Ok(Output {
        rows_read: rows.len() as u64,
        columns,
        rows,
        duration: start.elapsed().as_millis() as f64,
        changes,
        last_row_id: after.last_row_id,
        changed_db: changes != 0
            || after.last_row_id != before.last_row_id
            || after.size != before.size,
        size_after: after.size,
        rows_written: changes,
        commits: after.changes,
    })
}

/// What D1's result counters are computed from.
struct Counters {
    changes: u64,
    last_row_id: i64,
    size: u64,
}

impl Counters {
    /// The counters of `database` now; its size is read by the binding's own query (a PRAGMA
    /// that site SQL may not run).
    fn of(database: &Database) -> Result<Counters, String> {
        let conn = &database.conn;
        let _ours = database.ours.mark();
        let size = conn
            .query_row(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| d1_error(&e))?;
        Ok(Counters {
            changes: conn.total_changes(),
            last_row_id: conn.last_insert_rowid(),
            size: u64::try_from(size).unwrap_or(0),
        })
    }
}

/// D1's message for SQL holding no statement.
const NO_STATEMENTS: &str = "D1_ERROR: SQL code did not contain a statement.";
/// D1's message for values bound to a statement that is not the query's last.
const ONLY_LAST_BINDS: &str = "D1_ERROR: When executing multiple SQL statements in a single call, only the last statement can have parameters.";
/// D1's message for values that do not match the statement's parameters.
const WRONG_BINDS: &str = "D1_ERROR: Wrong number of parameter bindings for SQL query.";

/// The column names and rows of one statement run with `params`.
fn rows_of(
    stmt: &mut Statement<'_>,
    params: &[Value],
) -> Result<(Vec<String>, Vec<Vec<Value>>), String> {
    let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    let mut cursor = stmt
        .query(params_from_iter(params.iter()))
        .map_err(|e| d1_error(&e))?;
    let mut rows = Vec::new();
    while let Some(row) = cursor.next().map_err(|e| d1_error(&e))? {
        let values = (0..columns.len())
            .map(|i| row.get::<_, Value>(i))
            .collect::<rusqlite::Result<Vec<Value>>>()
            .map_err(|e| d1_error(&e))?;
        rows.push(values);
    }
    Ok((columns, rows))
}

/// D1's message for a SQLite error: `D1_ERROR: <message>: SQLITE_<CODE>`. Whatever the
/// authorizer refused is SQLite's `not authorized` (a refusal inside `VACUUM` would read
/// `authorization denied`).
fn d1_error(error: &rusqlite::Error) -> String {
    match error {
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.code == rusqlite::ErrorCode::AuthorizationForStatementDenied =>
        {
            coded("not authorized", failure.extended_code)
        }
        rusqlite::Error::SqliteFailure(failure, message) => {
            let text = message.clone().unwrap_or_else(|| failure.to_string());
            coded(&text, failure.extended_code)
        }
        rusqlite::Error::SqlInputError {
            error, msg, offset, ..
        } => coded(&format!("{msg} at offset {offset}"), error.extended_code),
        rusqlite::Error::InvalidParameterCount(..) => WRONG_BINDS.to_string(),
        other => format!("D1_ERROR: {other}"),
    }
}

/// `D1_ERROR: <text>: SQLITE_<CODE>`, with the extended code when there is one, as workerd.
fn coded(text: &str, extended: i32) -> String {
    let primary = code_name(extended & 0xff);
    match extended_name(extended) {
        Some(name) => format!("D1_ERROR: {text}: {primary} (extended: {name})"),
        None => format!("D1_ERROR: {text}: {primary}"),
    }
}

/// The names of the extended constraint codes (the ones sites meet).
fn extended_name(code: i32) -> Option<&'static str> {
    Some(match code {
        275 => "SQLITE_CONSTRAINT_CHECK",
        531 => "SQLITE_CONSTRAINT_COMMITHOOK",
        787 => "SQLITE_CONSTRAINT_FOREIGNKEY",
        1043 => "SQLITE_CONSTRAINT_FUNCTION",
        1299 => "SQLITE_CONSTRAINT_NOTNULL",
        1555 => "SQLITE_CONSTRAINT_PRIMARYKEY",
        1811 => "SQLITE_CONSTRAINT_TRIGGER",
        2067 => "SQLITE_CONSTRAINT_UNIQUE",
        2323 => "SQLITE_CONSTRAINT_VTAB",
        2579 => "SQLITE_CONSTRAINT_ROWID",
        3091 => "SQLITE_CONSTRAINT_DATATYPE",
        _ => return None,
    })
}

/// The name of a primary SQLite result code.
fn code_name(code: i32) -> &'static str {
    const NAMES: [&str; 27] = [
        "SQLITE_OK",
        "SQLITE_ERROR",
        "SQLITE_INTERNAL",
        "SQLITE_PERM",
        "SQLITE_ABORT",
        "SQLITE_BUSY",
        "SQLITE_LOCKED",
        "SQLITE_NOMEM",
        "SQLITE_READONLY",
        "SQLITE_INTERRUPT",
        "SQLITE_IOERR",
        "SQLITE_CORRUPT",
        "SQLITE_NOTFOUND",
        "SQLITE_FULL",
        "SQLITE_CANTOPEN",
        "SQLITE_PROTOCOL",
        "SQLITE_EMPTY",
        "SQLITE_SCHEMA",
        "SQLITE_TOOBIG",
        "SQLITE_CONSTRAINT",
        "SQLITE_MISMATCH",
        "SQLITE_MISUSE",
        "SQLITE_NOLFS",
        "SQLITE_AUTH",
        "SQLITE_FORMAT",
        "SQLITE_RANGE",
        "SQLITE_NOTADB",
    ];
    usize::try_from(code)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("SQLITE_ERROR")
}
