//! `Policy`: the immutable snapshot of every RBAC file, with O(1) host lookup.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::build::{build_file, FileOutput};
use crate::diag::{parse_toml, Diagnostic, Diagnostics};
use crate::file::RbacFile;
use crate::model::{Site, Workspace};
use crate::PolicyError;

/// What the RBAC files are checked against, from sitegate.toml.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadContext<'a> {
    /// Parent domain of default site hosts: `<site>.<workspace>.<base_domain>`.
    pub base_domain: &'a str,
    /// Names of the IdPs defined in sitegate.toml.
    pub idps: &'a [String],
    /// IdPs whose `email` claim counts even without `email_verified = true`.
    pub email_trusted_idps: &'a [String],
}

impl<'a> LoadContext<'a> {
    /// A context that trusts no IdP for unverified email.
    pub fn new(base_domain: &'a str, idps: &'a [String]) -> Self {
        LoadContext {
            base_domain,
            idps,
            email_trusted_idps: &[],
        }
    }
}

/// Every workspace and site, validated. Immutable: reloads build a new one and swap it.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    workspaces: Vec<Arc<Workspace>>,
    workspace_index: HashMap<String, usize>,
    sites: Vec<Arc<Site>>,
    by_host: HashMap<String, Arc<Site>>,
    by_id: HashMap<String, usize>,
}

impl Policy {
    /// Reads and validates RBAC files. Every problem in every file is reported at once.
    pub fn load(files: &[PathBuf], ctx: &LoadContext<'_>) -> Result<Policy, Diagnostics> {
        let mut sources = Vec::with_capacity(files.len());
        let mut diags = Vec::new();
        for f in files {
            match std::fs::read_to_string(f) {
                Ok(text) => sources.push((f.clone(), text)),
                Err(e) => diags.push(Diagnostic::whole_file(f, PolicyError::Io(e.to_string()))),
            }
        }
        match Policy::from_sources(&sources, ctx) {
            Ok(p) if diags.is_empty() => Ok(p),
            Ok(_) => Err(Diagnostics(diags)),
            Err(more) => {
                diags.extend(more);
                sort(&mut diags, files);
                Err(Diagnostics(diags))
            }
        }
    }

    /// Validates RBAC files given as (name, text) pairs, without I/O.
    pub fn from_sources(
        sources: &[(PathBuf, String)],
        ctx: &LoadContext<'_>,
    ) -> Result<Policy, Diagnostics> {
        let trusted: Arc<[String]> = ctx.email_trusted_idps.into();
        let mut diags = Vec::new();
        let mut outputs = Vec::new();
        for (path, text) in sources {
            match parse_toml::<RbacFile>(path, text) {
                Ok((file, spans)) => {
                    outputs.push(build_file(path, file, &spans, ctx, &trusted, &mut diags))
                }
                Err(d) => diags.extend(d),
            }
        }
        cross_check(&outputs, &mut diags);
        if !diags.is_empty() {
            let order: Vec<PathBuf> = sources.iter().map(|(p, _)| p.clone()).collect();
            sort(&mut diags, &order);
            return Err(Diagnostics(diags));
        }
        Ok(assemble(outputs))
    }

    /// The site serving `host` (lower case, no port), if any.
    pub fn site_for_host(&self, host: &str) -> Option<&Arc<Site>> {
        self.by_host.get(host)
    }

    /// A site by id (`workspace/site`).
    pub fn site(&self, id: &str) -> Option<&Arc<Site>> {
        self.by_id.get(id).and_then(|&i| self.sites.get(i))
    }

    /// Every site, in file order.
    pub fn sites(&self) -> impl Iterator<Item = &Arc<Site>> {
        self.sites.iter()
    }

    /// Every configured site hostname, in file order.
    pub fn hostnames(&self) -> impl Iterator<Item = &str> {
        self.sites
            .iter()
            .flat_map(|s| s.hosts.iter().map(String::as_str))
    }

    /// A workspace by id.
    pub fn workspace(&self, id: &str) -> Option<&Arc<Workspace>> {
        self.workspace_index
            .get(id)
            .and_then(|&i| self.workspaces.get(i))
    }

    /// Every workspace, in file order.
    pub fn workspaces(&self) -> impl Iterator<Item = &Arc<Workspace>> {
        self.workspaces.iter()
    }

    /// The sites of one workspace, in file order.
    pub fn sites_of<'a>(&'a self, workspace: &'a str) -> impl Iterator<Item = &'a Arc<Site>> + 'a {
        self.sites
            .iter()
            .filter(move |s| s.workspace.id == workspace)
    }
}

/// Workspace ids, site names and hostnames must be unique across all files.
fn cross_check(outputs: &[FileOutput], diags: &mut Vec<Diagnostic>) {
    let mut ids: HashMap<&str, &Diagnostic> = HashMap::new();
    let mut names: HashMap<&str, &Diagnostic> = HashMap::new();
    let mut hosts: HashMap<&str, &Diagnostic> = HashMap::new();
    for out in outputs {
        check_unique(
            &mut ids,
            "workspace id",
            &out.workspace.id,
            &out.id_at,
            diags,
        );
        for s in &out.sites {
            check_unique(&mut names, "site name", &s.name, &s.name_at, diags);
            for (h, at) in &s.hosts {
                check_unique(&mut hosts, "hostname", h, at, diags);
            }
        }
    }
}

fn check_unique<'a>(
    seen: &mut HashMap<&'a str, &'a Diagnostic>,
    what: &'static str,
    value: &'a str,
    at: &'a Diagnostic,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(first) = seen.get(value) {
        let mut d = at.clone();
        d.message = PolicyError::Duplicate {
            what,
            value: value.into(),
            first: first.location(),
        }
        .into();
        diags.push(d);
    } else {
        seen.insert(value, at);
    }
}

fn assemble(outputs: Vec<FileOutput>) -> Policy {
    let mut p = Policy::default();
    for out in outputs {
        p.workspace_index
            .insert(out.workspace.id.clone(), p.workspaces.len());
        p.workspaces.push(out.workspace);
        for site in out.sites.into_iter().filter_map(|s| s.site) {
            let site = Arc::new(site);
            for h in &site.hosts {
                p.by_host.insert(h.clone(), Arc::clone(&site));
            }
            p.by_id.insert(site.id.clone(), p.sites.len());
            p.sites.push(site);
        }
    }
    p
}

/// Orders diagnostics by file (in the order given), then line and column.
fn sort(diags: &mut [Diagnostic], order: &[PathBuf]) {
    let rank = |f: &Path| order.iter().position(|p| p == f).unwrap_or(usize::MAX);
    diags.sort_by_key(|d| (rank(&d.file), d.line, d.column));
}
