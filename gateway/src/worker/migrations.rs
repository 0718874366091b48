//! D1 migrations applied to a site's SQLite file the way wrangler (`d1_migrations`) and
//! drizzle's migrator (`__drizzle_migrations`) do: each migration in its own transaction, in
//! order, skipping those already recorded; the first failure stops the run and leaves the
//! database as it was before that migration. The files are read beneath the project's
//! directory: a migration that is a symlink out of it is never read.

use std::path::{Path, PathBuf};

use cap_std::fs::Dir;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;

use crate::confined::Root;

/// A D1 database's migrations folder and its layout.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Migrations {
    /// The project's directory, which the files are read beneath.
    pub root: PathBuf,
    /// The folder holding the `.sql` files, under `root`.
    pub dir: PathBuf,
    /// How they are laid out and recorded.
    pub kind: MigrationsKind,
}

/// The two layouts Sitegate knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MigrationsKind {
    /// `NNNN_name.sql` in name order, recorded by file name in `d1_migrations`.
    Wrangler,
    /// The files of `meta/_journal.json`, split at `--> statement-breakpoint`, recorded by
    /// hash and journal time in `__drizzle_migrations`.
    Drizzle,
}

/// Why migrations could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The database could not be opened or its bookkeeping read or written.
    #[error("database {db}: {message}")]
    Database {
        /// The SQLite file.
        db: PathBuf,
        /// What SQLite said.
        message: String,
    },
    /// The migrations folder or a file in it could not be read or understood.
    #[error("{file}: {message}")]
    Read {
        /// The file or folder.
        file: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A statement of a migration failed; nothing of that migration was kept.
    #[error("{file}: statement {statement:?} failed: {message}")]
    Statement {
        /// The migration file.
        file: PathBuf,
        /// The statement that failed.
        statement: String,
        /// What SQLite said.
        message: String,
    },
}

/// One migration to run.
struct Pending {
    file: PathBuf,
    statements: Vec<String>,
    /// Records it as applied (inside its transaction).
    record: Record,
}

enum Record {
    Wrangler(String),
    Drizzle { hash: String, when: i64 },
}

/// Applies the migrations of `migrations` not yet recorded in the SQLite file `db` (created
/// if missing, opened as the D1 binding opens it), returning the names of those applied now.
pub fn apply(db: &Path, migrations: &Migrations) -> Result<Vec<String>, MigrationError> {
    let mut conn =
        runtime::bindings::d1::open_database(db).map_err(|message| MigrationError::Database {
            db: db.to_path_buf(),
            message,
        })?;
    let folder = Folder::open(migrations).map_err(|e| e.or_db(db))?;
    let pending = match migrations.kind {
        MigrationsKind::Wrangler => wrangler_pending(&conn, &folder).map_err(|e| e.or_db(db))?,
        MigrationsKind::Drizzle => drizzle_pending(&conn, &folder).map_err(|e| e.or_db(db))?,
    };
    let mut applied = Vec::new();
    for migration in pending {
        run(&mut conn, &migration, db)?;
        applied.push(name_of(&migration.file));
    }
    Ok(applied)
}

/// The migrations folder, opened beneath the project's directory.
struct Folder {
    path: PathBuf,
    dir: Dir,
}

impl Folder {
    fn open(migrations: &Migrations) -> Result<Folder, Failure> {
        let root = Root::new(&migrations.root).map_err(|e| read_error(&migrations.root, e))?;
        let dir = root
            .open_dir(&migrations.dir)
            .map_err(|e| read_error(&migrations.dir, e))?;
        Ok(Folder {
            path: migrations.dir.clone(),
            dir,
        })
    }

    /// The names of the regular files in the folder (a symlink is not one).
    fn files(&self) -> Result<Vec<String>, Failure> {
        let entries = self.dir.entries().map_err(|e| read_error(&self.path, e))?;
        Ok(entries
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect())
    }

    /// The text of `relative`, read beneath the folder, and its path for messages.
    fn read(&self, relative: &str) -> Result<(PathBuf, String), Failure> {
        let file = self.path.join(relative);
        let text = self
            .dir
            .read_to_string(relative)
            .map_err(|e| read_error(&file, e))?;
        Ok((file, text))
    }
}

/// A bookkeeping failure: either SQLite's or a file's.
enum Failure {
    Sql(rusqlite::Error),
    File(MigrationError),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Failure {
        Failure::Sql(e)
    }
}

impl Failure {
    fn or_db(self, db: &Path) -> MigrationError {
        match self {
            Failure::Sql(e) => MigrationError::Database {
                db: db.to_path_buf(),
                message: e.to_string(),
            },
            Failure::File(e) => e,
        }
    }
}

fn read_error(file: &Path, message: impl ToString) -> Failure {
    Failure::File(MigrationError::Read {
        file: file.to_path_buf(),
        message: message.to_string(),
    })
}

fn name_of(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs one migration in a transaction, recording it there too.
fn run(conn: &mut Connection, migration: &Pending, db: &Path) -> Result<(), MigrationError> {
    let database = |e: rusqlite::Error| MigrationError::Database {
        db: db.to_path_buf(),
        message: e.to_string(),
    };
    let tx = conn.transaction().map_err(database)?;
    for statement in &migration.statements {
        tx.execute_batch(statement)
            .map_err(|e| MigrationError::Statement {
                file: migration.file.clone(),
                statement: statement.trim().to_string(),
                message: e.to_string(),
            })?;
    }
    match &migration.record {
        Record::Wrangler(name) => tx.execute(
            "INSERT INTO d1_migrations (name) VALUES (?1)",
            params![name],
        ),
        Record::Drizzle { hash, when } => tx.execute(
            "INSERT INTO \"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES (?1, ?2)",
            params![hash, when],
        ),
    }
    .map_err(database)?;
    tx.commit().map_err(database)
}

/// Wrangler's `.sql` files not yet in `d1_migrations`, by name.
fn wrangler_pending(conn: &Connection, folder: &Folder) -> Result<Vec<Pending>, Failure> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS d1_migrations(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT UNIQUE,
            applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
        );",
    )?;
    let mut names: Vec<String> = folder
        .files()?
        .into_iter()
        .filter(|name| name.ends_with(".sql"))
        .collect();
    names.sort();
    let mut pending = Vec::new();
    for name in names {
        let done: Option<i64> = conn
            .query_row(
                "SELECT id FROM d1_migrations WHERE name = ?1",
                params![name],
                |row| row.get(0),
            )
            .optional()?;
        if done.is_some() {
            continue;
        }
        let (file, sql) = folder.read(&name)?;
        pending.push(Pending {
            file,
            statements: vec![sql],
            record: Record::Wrangler(name),
        });
    }
    Ok(pending)
}

/// drizzle-kit's `meta/_journal.json`.
#[derive(Deserialize)]
struct Journal {
    entries: Vec<JournalEntry>,
}

#[derive(Deserialize)]
struct JournalEntry {
    when: i64,
    tag: String,
}

/// The journal's migrations newer than the last one recorded in `__drizzle_migrations`, as
/// drizzle's migrator picks them.
fn drizzle_pending(conn: &Connection, folder: &Folder) -> Result<Vec<Pending>, Failure> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS \"__drizzle_migrations\" (
            id SERIAL PRIMARY KEY,
            hash text NOT NULL,
            created_at numeric
        );",
    )?;
    let (journal_file, text) = folder.read("meta/_journal.json")?;
    let journal: Journal = serde_json::from_str(&text).map_err(|e| read_error(&journal_file, e))?;
    let last: Option<i64> = conn
        .query_row(
            "SELECT created_at FROM \"__drizzle_migrations\" ORDER BY created_at DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let mut pending = Vec::new();
    for entry in journal.entries {
        if last.is_some_and(|last| entry.when <= last) {
            continue;
        }
        if entry.tag.contains('/') || entry.tag.contains("..") {
            return Err(read_error(
                &journal_file,
                format!("bad tag {:?}", entry.tag),
            ));
        }
        let (file, sql) = folder.read(&format!("{}.sql", entry.tag))?;
        let digest = ring::digest::digest(&ring::digest::SHA256, sql.as_bytes());
        let hash = crate::auth::hex(digest.as_ref());
        let statements = sql
            .split("--> statement-breakpoint")
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
            .collect();
        pending.push(Pending {
            file,
            statements,
            record: Record::Drizzle {
                hash,
                when: entry.when,
            },
        });
    }
    Ok(pending)
}

#[cfg(test)]
mod tests;
