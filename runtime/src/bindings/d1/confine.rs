//! What site SQL may do on a D1 connection: only its own database, as on Cloudflare. SQLite's
//! own mechanisms enforce it, never a look at the SQL text: an authorizer that refuses ATTACH,
//! DETACH, temporary objects, other schemas and every PRAGMA D1 does not allow (workerd's
//! list), no attached databases at all (`SQLITE_LIMIT_ATTACHED` = 0), defensive mode (no
//! `writable_schema`, no writing shadow tables) and an untrusted schema. A refused statement
//! fails with SQLite's `not authorized` (`SQLITE_AUTH`), the error D1 gives.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rusqlite::config::DbConfig;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use rusqlite::Connection;

#[cfg(test)]
mod tests;

/// The D1 settings and the authorizer on `conn`; while `ours` is set, the statements run are
/// the binding's own (its size counters) and are not checked.
pub(super) fn confine(conn: &Connection, ours: Ours) -> rusqlite::Result<()> {
    for (setting, on) in [
        (DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true),
        (DbConfig::SQLITE_DBCONFIG_WRITABLE_SCHEMA, false),
        (DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_ATTACH_CREATE, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_ATTACH_WRITE, false),
    ] {
        conn.set_db_config(setting, on)?;
    }
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    conn.authorizer(Some(move |context: AuthContext<'_>| {
        if ours.0.load(Ordering::SeqCst) || allowed(&context) {
            Authorization::Allow
        } else {
            Authorization::Deny
        }
    }));
    Ok(())
}

/// Whether the binding itself is running statements on a connection (shared with its
/// authorizer).
#[derive(Clone, Default)]
pub(super) struct Ours(Arc<AtomicBool>);

impl Ours {
    /// Marks what runs until the guard is dropped as the binding's own.
    pub(super) fn mark(&self) -> OursGuard<'_> {
        self.0.store(true, Ordering::SeqCst);
        OursGuard(self)
    }
}

/// While alive, statements on the connection are the binding's own.
pub(super) struct OursGuard<'o>(&'o Ours);

impl Drop for OursGuard<'_> {
    fn drop(&mut self) {
        self.0 .0.store(false, Ordering::SeqCst);
    }
}

/// Whether site SQL may do what `context` describes (workerd's rules for D1, but for the
/// transactions Sitegate lets through `run`).
pub(super) fn allowed(context: &AuthContext<'_>) -> bool {
    use AuthAction as A;
    let schema = context.database_name;
    if schema.is_some_and(|s| s != "main") {
        // The temporary schema is only read (its `sqlite_temp_master`), as in workerd.
        return schema == Some("temp") && matches!(context.action, A::Read { .. });
    }
    match context.action {
        A::Select | A::Recursive | A::Read { .. } | A::Update { .. } | A::Insert { .. } => true,
        A::Delete { .. } | A::CreateTable { .. } | A::DropTable { .. } => true,
        A::CreateIndex { .. } | A::DropIndex { .. } | A::Reindex { .. } | A::Analyze { .. } => true,
        A::CreateView { .. } | A::DropView { .. } => true,
        A::CreateTrigger { .. } | A::DropTrigger { .. } => true,
        A::Transaction { .. } | A::Savepoint { .. } | A::Function { .. } => true,
        A::AlterTable { database_name, .. } => database_name == "main",
        A::CreateVtable { module_name, .. } | A::DropVtable { module_name, .. } => VIRTUAL_TABLES
            .iter()
            .any(|m| m.eq_ignore_ascii_case(module_name)),
        A::Pragma {
            pragma_name,
            pragma_value,
        } => pragma_allowed(pragma_name, pragma_value),
        _ => false,
    }
}

/// The virtual table modules D1 offers: full-text search and R*Tree.
const VIRTUAL_TABLES: [&str; 4] = ["fts5", "fts5vocab", "rtree", "rtree_i32"];

/// What a PRAGMA D1 allows may be given.
#[derive(Clone, Copy)]
enum Argument {
    /// Nothing: it is only read.
    None,
    /// Nothing (to read it) or a boolean (to set it).
    Boolean,
    /// A table or index name.
    Name,
    /// Nothing or a number.
    OptionalNumber,
    /// Nothing or anything (a name, a number).
    Optional,
}

/// The PRAGMAs D1 allows (workerd's `ALLOWED_PRAGMAS`, and those its authorizer lets through
/// by name), with what each may be given.
const PRAGMAS: [(&str, Argument); 19] = [
    ("table_list", Argument::Optional),
    ("table_info", Argument::Name),
    ("table_xinfo", Argument::Name),
    ("data_version", Argument::None),
    ("page_size", Argument::None),
    ("case_sensitive_like", Argument::Boolean),
    ("foreign_keys", Argument::Boolean),
    ("defer_foreign_keys", Argument::Boolean),
    ("ignore_check_constraints", Argument::Boolean),
    ("legacy_alter_table", Argument::Boolean),
    ("recursive_triggers", Argument::Boolean),
    ("reverse_unordered_selects", Argument::Boolean),
    ("foreign_key_check", Argument::Optional),
    ("foreign_key_list", Argument::Name),
    ("index_info", Argument::Name),
    ("index_list", Argument::Name),
    ("index_xinfo", Argument::Name),
    ("quick_check", Argument::Optional),
    ("optimize", Argument::OptionalNumber),
];

/// Whether `PRAGMA name` (`= value` or `(value)`) is one D1 allows, given that.
pub(super) fn pragma_allowed(name: &str, value: Option<&str>) -> bool {
    let Some((_, argument)) = PRAGMAS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) else {
        return false;
    };
    match (argument, value) {
        (Argument::None, value) => value.is_none(),
        (Argument::Name, value) => value.is_some(),
        (Argument::Boolean | Argument::OptionalNumber | Argument::Optional, None) => true,
        (Argument::Optional, Some(_)) => true,
        (Argument::Boolean, Some(v)) => boolean(v),
        (Argument::OptionalNumber, Some(v)) => v.parse::<i32>().is_ok(),
    }
}

/// Whether `value` is one of the ways SQLite spells a boolean (quoted or not, any case).
fn boolean(value: &str) -> bool {
    let unquoted = ['\'', '"']
        .iter()
        .find_map(|q| value.strip_prefix(*q)?.strip_suffix(*q))
        .unwrap_or(value);
    ["true", "false", "yes", "no", "on", "off", "1", "0"]
        .iter()
        .any(|b| b.eq_ignore_ascii_case(unquoted))
}
