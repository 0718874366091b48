//! Validation of one RBAC file into the model: every problem becomes a diagnostic, and
//! what is valid is kept so cross-file checks still see every site and host.

mod outbound;
mod site;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::diag::{join_index, join_key, Diagnostic, SpanIndex};
use crate::email::{parse_config_domain, parse_config_email};
use crate::file::{GroupFile, RbacFile};
use crate::model::{Group, Role, Site, Workspace};
use crate::{LoadContext, PolicyError};

/// What one file yields: its workspace and sites, with where their names were written.
pub(crate) struct FileOutput {
    pub workspace: Arc<Workspace>,
    pub id_at: Diagnostic,
    pub sites: Vec<SiteOutput>,
}

/// One site: its name and hosts with their locations, and the site if it was valid.
pub(crate) struct SiteOutput {
    pub name: String,
    pub name_at: Diagnostic,
    pub hosts: Vec<(String, Diagnostic)>,
    pub site: Option<Site>,
}

/// Collects diagnostics against one file's span index.
pub(crate) struct Checker<'a> {
    pub spans: &'a SpanIndex,
    pub diags: &'a mut Vec<Diagnostic>,
    pub load: &'a LoadContext<'a>,
}

impl Checker<'_> {
    /// Reports a problem with the value at `key`.
    pub fn err(&mut self, key: &str, e: PolicyError) {
        self.diags.push(self.spans.diag(key, e));
    }

    /// Each entry of the list at `key` parsed by `parse`, duplicates left out; a bad entry is
    /// reported at its index with `bad(value as written, reason)`.
    pub fn each_parsed<T: PartialEq, R>(
        &mut self,
        key: &str,
        list: &[String],
        parse: impl Fn(&str) -> Result<T, R>,
        bad: impl Fn(String, R) -> PolicyError,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for (i, raw) in list.iter().enumerate() {
            match parse(raw) {
                Ok(value) if !out.contains(&value) => out.push(value),
                Ok(_) => {}
                Err(reason) => self.err(&join_index(key, i), bad(raw.clone(), reason)),
            }
        }
        out
    }

    /// Reports a problem with the key itself at `key`.
    pub fn err_key(&mut self, key: &str, e: PolicyError) {
        self.diags.push(self.spans.diag_key(key, e));
    }

    /// The location of `key`'s value (or key), as a diagnostic with no message.
    pub fn loc(&self, key: &str, at_key: bool) -> Diagnostic {
        if at_key {
            self.spans.diag_key(key, "")
        } else {
            self.spans.diag(key, "")
        }
    }

    /// Checks an IdP reference against sitegate.toml's IdPs.
    pub fn idp(&mut self, key: &str, name: &str) -> bool {
        if self.load.idps.iter().any(|i| i == name) {
            return true;
        }
        let defined = self.load.idps.to_vec();
        self.err(
            key,
            PolicyError::UndefinedIdp {
                name: name.into(),
                defined,
            },
        );
        false
    }

    /// Parses a role word.
    pub fn role(&mut self, key: &str, value: &str) -> Option<Role> {
        let role = Role::parse(value);
        if role.is_none() {
            let e = PolicyError::UnknownValue {
                what: "role",
                value: value.into(),
                expected: Role::NAMES,
            };
            self.err(key, e);
        }
        role
    }

    /// Parses a list of email domains.
    pub fn domains(&mut self, key: &str, values: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for (i, d) in values.iter().enumerate() {
            match parse_config_domain(d) {
                Ok(d) => out.push(d),
                Err(reason) => {
                    let e = PolicyError::BadDomain {
                        what: "domain",
                        value: d.clone(),
                        reason,
                    };
                    self.err(&join_index(key, i), e);
                }
            }
        }
        out
    }

    /// Parses a list of emails.
    pub fn emails(&mut self, key: &str, values: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for (i, v) in values.iter().enumerate() {
            match parse_config_email(v) {
                Ok(e) => out.push(e),
                Err(reason) => self.err(
                    &join_index(key, i),
                    PolicyError::BadEmail {
                        value: v.clone(),
                        reason,
                    },
                ),
            }
        }
        out
    }
}

/// True for 1–63 lower-case letters, digits and `-`, not starting or ending with `-`.
pub(crate) fn is_name(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Validates one parsed file.
pub(crate) fn build_file(
    path: &Path,
    file: RbacFile,
    spans: &SpanIndex,
    load: &LoadContext<'_>,
    trusted: &Arc<[String]>,
    diags: &mut Vec<Diagnostic>,
) -> FileOutput {
    let mut ck = Checker { spans, diags, load };
    let w = &file.workspace;
    if !is_name(&w.id) {
        ck.err(
            "workspace.id",
            PolicyError::BadName {
                what: "workspace id",
                value: w.id.clone(),
            },
        );
    }
    ck.idp("workspace.idp", &w.idp);
    let email_domains = ck.domains("workspace.email_domains", &w.email_domains);
    let deploy_roles = match &w.deploy_roles {
        None => vec![Role::Owner, Role::Admin],
        Some(list) => list
            .iter()
            .enumerate()
            .filter_map(|(i, r)| ck.role(&join_index("workspace.deploy_roles", i), r))
            .collect(),
    };
    let members = members(&mut ck, &file.members);
    let (groups, member_groups, idp_group_map) = groups(&mut ck, &file.groups);
    let group_index = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.name.clone(), i))
        .collect();
    let workspace = Arc::new(Workspace {
        id: w.id.clone(),
        name: w.name.clone().unwrap_or_else(|| w.id.clone()),
        idp: w.idp.clone(),
        email_domains,
        deploy_roles,
        members,
        groups,
        group_index,
        member_groups,
        idp_group_map,
        email_trusted_idps: Arc::clone(trusted),
        file: path.to_path_buf(),
    });
    let id_at = ck.loc("workspace.id", false);
    let mut sites: Vec<SiteOutput> = file
        .sites
        .iter()
        .map(|(name, s)| site::build_site(&mut ck, path, &workspace, name, s))
        .collect();
    sites.sort_by_key(|s| (s.name_at.line, s.name_at.column));
    FileOutput {
        workspace,
        id_at,
        sites,
    }
}

fn members(ck: &mut Checker<'_>, file: &BTreeMap<String, String>) -> HashMap<String, Role> {
    let mut out: HashMap<String, Role> = HashMap::with_capacity(file.len());
    // Spellings of each address, to report case-only duplicates; locations are looked up
    // only when there is something to report.
    let mut spellings: HashMap<String, Vec<&String>> = HashMap::new();
    for (raw, role) in file {
        let role = Role::parse(role).or_else(|| {
            ck.role(&join_key("members", raw), role);
            None
        });
        match parse_config_email(raw) {
            Ok(email) => {
                if let Some(role) = role {
                    out.insert(email.clone(), role);
                }
                spellings.entry(email).or_default().push(raw);
            }
            Err(reason) => {
                let e = PolicyError::BadEmail {
                    value: raw.clone(),
                    reason,
                };
                ck.err_key(&join_key("members", raw), e);
            }
        }
    }
    for (email, raws) in spellings.into_iter().filter(|(_, r)| r.len() > 1) {
        let mut at: Vec<Diagnostic> = raws
            .iter()
            .map(|r| ck.loc(&join_key("members", r), true))
            .collect();
        at.sort_by_key(|d| (d.line, d.column));
        let Some(first) = at.first().map(Diagnostic::location) else {
            continue;
        };
        for mut d in at.into_iter().skip(1) {
            d.message = PolicyError::Duplicate {
                what: "member",
                value: email.clone(),
                first: first.clone(),
            }
            .into();
            ck.diags.push(d);
        }
        out.remove(&email);
    }
    out
}

type GroupMaps = (
    Vec<Group>,
    HashMap<String, Vec<usize>>,
    HashMap<String, Vec<usize>>,
);

fn groups(ck: &mut Checker<'_>, file: &BTreeMap<String, GroupFile>) -> GroupMaps {
    let mut groups = Vec::new();
    let mut member_groups: HashMap<String, Vec<usize>> = HashMap::new();
    let mut idp_group_map: HashMap<String, Vec<usize>> = HashMap::new();
    for (name, g) in file {
        let key = join_key("groups", name);
        if !is_name(name) {
            ck.err_key(
                &key,
                PolicyError::BadName {
                    what: "group name",
                    value: name.clone(),
                },
            );
        }
        let index = groups.len();
        let mut members = ck.emails(&join_key(&key, "members"), &g.members);
        members.sort();
        members.dedup();
        for m in &members {
            member_groups.entry(m.clone()).or_default().push(index);
        }
        let mut idp_groups = Vec::new();
        for (i, claim) in g.idp_groups.iter().enumerate() {
            if claim.is_empty() {
                let k = join_index(&join_key(&key, "idp_groups"), i);
                ck.err(
                    &k,
                    PolicyError::Empty {
                        what: "an IdP group name",
                    },
                );
                continue;
            }
            idp_group_map.entry(claim.clone()).or_default().push(index);
            idp_groups.push(claim.clone());
        }
        groups.push(Group {
            name: name.clone(),
            members,
            idp_groups,
        });
    }
    (groups, member_groups, idp_group_map)
}
