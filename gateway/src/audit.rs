//! The audit log: one JSON line per admin action (deploy, promote, rollback, secret change,
//! token create or revoke) in `<state_dir>/audit.log` — who, what, on which site, when, from
//! where and with what result. Lines are appended with `O_APPEND` and fsynced before the
//! action is reported done; secret values never reach it (only their names do).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The log's file name in the state directory.
pub const FILE: &str = "audit.log";

/// One admin action.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditEntry {
    /// Unix time.
    pub at: u64,
    /// Who: a user's email, `token:<id>`, or `local:<user>` for the offline CLI.
    pub who: String,
    /// Where from: the client address, or `cli` offline.
    pub from: String,
    /// The action, e.g. `deploy`, `promote`, `rollback`, `secret.put`, `token.create`.
    pub action: String,
    /// The site (`workspace/site`) or workspace acted on.
    pub target: String,
    /// What else identifies the action (a version id, a secret's name, a token id).
    pub detail: String,
    /// `ok`, or the error.
    pub result: String,
}

/// Who asks for an action, for the record.
#[derive(Debug, Clone)]
pub struct Actor {
    /// A user's email, `token:<id>`, or `local:<user>`.
    pub who: String,
    /// The client address, or `cli`.
    pub from: String,
    /// The person acting (an email), when it is one rather than a token of its own.
    pub person: Option<String>,
}

impl Actor {
    /// The person running the CLI offline, on this machine.
    pub fn local() -> Actor {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        Actor {
            who: format!("local:{user}"),
            from: "cli".into(),
            person: None,
        }
    }
}

/// Appends to the audit log of a state directory.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// The log of `state_dir`.
    pub fn new(state_dir: &Path) -> AuditLog {
        AuditLog {
            path: state_dir.join(FILE),
        }
    }

    /// Appends `entry` durably.
    pub fn append(&self, entry: &AuditEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).expect("an entry serializes");
        line.push(b'\n');
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path)?;
        file.write_all(&line)?;
        file.sync_data()
    }

    /// Records an action; a log that cannot be written is itself logged.
    pub fn record(&self, actor: &Actor, action: &str, target: &str, detail: &str, result: &str) {
        let entry = AuditEntry {
            at: crate::clock::now(),
            who: actor.who.clone(),
            from: actor.from.clone(),
            action: action.to_string(),
            target: target.to_string(),
            detail: detail.to_string(),
            result: result.to_string(),
        };
        if let Err(error) = self.append(&entry) {
            tracing::error!(action, target, "the audit log cannot be written: {error}");
        }
    }

    /// The entries about `target` (a site, or a workspace and its sites), at most the last
    /// `limit`, oldest first; all entries when `target` is `None`. Lines that do not parse
    /// are skipped.
    pub fn read(&self, target: Option<&str>, limit: usize) -> std::io::Result<Vec<AuditEntry>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut entries: Vec<AuditEntry> = text
            .lines()
            .filter_map(|line| serde_json::from_str::<AuditEntry>(line).ok())
            .filter(|e| {
                target.is_none_or(|t| e.target == t || e.target.starts_with(&format!("{t}/")))
            })
            .collect();
        let skip = entries.len().saturating_sub(limit);
        entries.drain(..skip);
        Ok(entries)
    }
}
