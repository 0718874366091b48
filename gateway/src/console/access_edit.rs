//! Writes a site's access mode back to its workspace's RBAC file with `toml_edit`, keeping
//! the file's comments and layout: the new text must load (with every other RBAC file)
//! before it replaces the file, atomically; then the gateway's reload picks it up.

use std::path::Path;

use policy::{LoadContext, Policy};
use toml_edit::{Array, DocumentMut, InlineTable, Item, Value};

/// The allow lists of a `custom` site.
#[derive(Debug, Default, Clone)]
pub struct Allow {
    /// Emails.
    pub users: Vec<String>,
    /// Group names.
    pub groups: Vec<String>,
    /// Role names.
    pub roles: Vec<String>,
    /// Email domains.
    pub email_domains: Vec<String>,
}

/// `text` (an RBAC file) with site `site`'s `access` set to `mode` and its `allow` to `allow`
/// (for `custom`; removed otherwise).
pub fn edit(text: &str, site: &str, mode: &str, allow: &Allow) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("the RBAC file does not parse: {e}"))?;
    let table = doc
        .get_mut("sites")
        .and_then(|s| s.get_mut(site))
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| format!("the RBAC file has no [sites.{site}]"))?;
    table.insert("access", toml_edit::value(mode));
    if mode == "custom" {
        let mut inline = InlineTable::new();
        for (key, values) in [
            ("users", &allow.users),
            ("groups", &allow.groups),
            ("roles", &allow.roles),
            ("email_domains", &allow.email_domains),
        ] {
            if !values.is_empty() {
                inline.insert(key, Value::Array(values.iter().collect::<Array>()));
            }
        }
        table.insert("allow", Item::Value(Value::InlineTable(inline)));
    } else {
        table.remove("allow");
    }
    Ok(doc.to_string())
}

/// Replaces `file` with `text` if every RBAC file still loads with it; else the problems.
pub fn write_checked(
    file: &Path,
    text: &str,
    rbac_files: &[std::path::PathBuf],
    ctx: &LoadContext<'_>,
) -> Result<(), String> {
    let mut sources = Vec::new();
    for path in rbac_files {
        let body = if path == file {
            text.to_string()
        } else {
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?
        };
        sources.push((path.clone(), body));
    }
    Policy::from_sources(&sources, ctx).map_err(|d| d.to_string())?;
    certs::fsutil::write_atomic(file, text.as_bytes(), certs::fsutil::KEY_MODE)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Acme's sites\n[workspace]\nid = \"acme\"\n\n[sites.crm]   # the CRM\naccess = \"workspace_all\"  # everyone\nbackend = { upstream = \"https://crm.internal\" }\n";

    #[test]
    fn comments_and_layout_are_kept_and_allow_follows_the_mode() {
        let allow = Allow {
            users: vec!["dan@partner.com".into()],
            roles: vec!["admin".into()],
            ..Allow::default()
        };
        let custom = edit(FILE, "crm", "custom", &allow).unwrap();
        assert!(
            custom.starts_with("# Acme's sites\n[workspace]"),
            "{custom}"
        );
        assert!(custom.contains("[sites.crm]   # the CRM\n"), "{custom}");
        assert!(custom.contains("access = \"custom\""), "{custom}");
        assert!(
            custom.contains("allow = { users = [\"dan@partner.com\"], roles = [\"admin\"] }"),
            "{custom}"
        );
        let back = edit(&custom, "crm", "admins_only", &Allow::default()).unwrap();
        assert!(!back.contains("allow"), "{back}");
        assert!(back.contains("backend = { upstream = \"https://crm.internal\" }"));
        assert!(edit(FILE, "wiki", "public", &Allow::default())
            .unwrap_err()
            .contains("no [sites.wiki]"));
    }
}
