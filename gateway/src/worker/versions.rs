//! Which version each worker site runs, built with every snapshot: the site directory's
//! project (`project::detect`: a Codex Sites build, a wrangler project or a plain entry
//! module), its bindings — vars, secrets from the encrypted store, D1 files and R2 buckets
//! under `<state_dir>/sites/<workspace>/<site>/` — its static assets, its limits and outbound
//! policy. The version id is a digest of the project's files (paths, sizes, modification
//! times), so any change is a new version. Before a new version takes traffic its D1
//! migrations are applied (`migrate`); if one fails, the site keeps its previous version.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use policy::{Backend, Outbound, Policy, Site, WorkerBackend};
use runtime::bindings::Assets;
use runtime::{Bindings, OutboundPolicy, VersionKey};

use super::migrations;
use super::project::{self, Migrations, Project, StaticRouting};
use crate::config::WorkersConfig;
use crate::secrets::SecretStore;

/// What one worker site serves.
#[derive(Debug, Clone)]
pub struct SiteVersion {
    /// The version id.
    pub version: String,
    /// Its worker (`None`: a static site, or no entry module).
    pub key: Option<VersionKey>,
    /// Its static assets.
    pub assets: Option<Arc<Assets>>,
    /// Which paths the assets or the worker answer first.
    pub routing: StaticRouting,
    /// The D1 files and the migrations to apply to each.
    migrations: Vec<(PathBuf, Migrations)>,
    /// Files whose change makes a new version.
    watched: Vec<PathBuf>,
}

/// The version of each worker site, by site id, and the sites whose project is broken.
#[derive(Debug, Default)]
pub struct WorkerVersions {
    by_site: HashMap<String, SiteVersion>,
}

impl WorkerVersions {
    /// Reads the project of every worker site in `policy`. A project that cannot be read is
    /// logged and its site served a 503 page.
    pub fn scan(policy: &Policy, workers: &WorkersConfig, state_dir: &Path) -> WorkerVersions {
        let secrets = open_secrets(state_dir);
        let mut by_site = HashMap::new();
        for site in policy.sites() {
            let Backend::Worker(backend) = &site.backend else {
                continue;
            };
            match site_version(site, backend, workers, state_dir, secrets.as_ref()) {
                Ok(version) => {
                    by_site.insert(site.id().to_string(), version);
                }
                Err(error) => {
                    tracing::error!(site = site.id(), dir = %backend.dir.display(), "worker site cannot be served: {error}");
                }
            }
        }
        WorkerVersions { by_site }
    }

    /// Applies each new version's migrations (a version `previous` already ran needs none).
    /// A site whose migration fails keeps `previous`'s version (or none), and the error is
    /// logged with the file and statement.
    pub fn migrate(&mut self, previous: Option<&WorkerVersions>) {
        for (site, version) in self.by_site.iter_mut() {
            let before = previous.and_then(|p| p.by_site.get(site));
            if before.is_some_and(|b| b.version == version.version) {
                continue;
            }
            let failed = version.migrations.iter().find_map(|(db, migrations)| {
                match migrations::apply(db, migrations) {
                    Ok(applied) => {
                        for name in applied {
                            tracing::info!(site = %site, version = %version.version, migration = %name, "migration applied");
                        }
                        None
                    }
                    Err(error) => Some(error),
                }
            });
            if let Some(error) = failed {
                tracing::error!(site = %site, version = %version.version, "migration failed; the previous version keeps serving: {error}");
                match before {
                    Some(before) => *version = before.clone(),
                    None => {
                        version.key = None;
                        version.assets = None;
                    }
                }
            }
        }
    }

    /// What a worker site serves.
    pub fn get(&self, site_id: &str) -> Option<&SiteVersion> {
        self.by_site.get(site_id)
    }

    /// The files watched for changes.
    pub fn watched(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.by_site
            .values()
            .flat_map(|v| v.watched.iter().cloned())
    }
}

/// The store's secrets, if it exists (reading the config never creates it).
fn open_secrets(state_dir: &Path) -> Option<SecretStore> {
    if !state_dir.join(crate::secrets::FILE).exists() {
        return None;
    }
    SecretStore::open(state_dir)
        .map_err(|e| tracing::error!("site secrets cannot be read: {e}"))
        .ok()
}

fn site_version(
    site: &Site,
    backend: &WorkerBackend,
    workers: &WorkersConfig,
    state_dir: &Path,
    secrets: Option<&SecretStore>,
) -> Result<SiteVersion, String> {
    let project = project::detect(&backend.dir).map_err(|e| e.to_string())?;
    for warning in &project.warnings {
        tracing::warn!(site = site.id(), "{warning}");
    }
    let data = state_dir.join("sites").join(site.id());
    let version = version_id(&backend.dir);
    let assets = project
        .assets
        .as_ref()
        .map(|spec| {
            Assets::new(&spec.dir, spec.html_handling, spec.not_found_handling)
                .map(|a| (spec.binding.clone(), Arc::new(a.ignoring(&spec.ignore))))
        })
        .transpose()?;
    let site_secrets = match secrets {
        Some(store) => store.for_site(site.id())?,
        None => Vec::new(),
    };
    let bindings = Bindings {
        vars: project.vars.clone(),
        secrets: site_secrets,
        d1: project
            .d1
            .iter()
            .map(|d| {
                (
                    d.binding.clone(),
                    data.join("d1").join(format!("{}.sqlite3", d.binding)),
                )
            })
            .collect(),
        r2: project
            .r2
            .iter()
            .map(|name| (name.clone(), data.join("r2").join(name)))
            .collect(),
        assets: assets.clone(),
    };
    let migrations = project
        .d1
        .iter()
        .filter_map(|d| {
            let file = data.join("d1").join(format!("{}.sqlite3", d.binding));
            d.migrations.clone().map(|m| (file, m))
        })
        .collect();
    let key = project.entry.as_ref().map(|entry| VersionKey {
        site: site.id().to_string(),
        version: version.clone(),
        dir: project.root.clone(),
        entry: entry.clone(),
        limits: runtime::Limits {
            cpu_per_call: site
                .cpu_ms
                .map_or(workers.limits.cpu_per_call, Duration::from_millis),
            ..workers.limits
        },
        outbound: outbound_policy(&backend.outbound),
        bindings: Arc::new(bindings),
    });
    if key.is_none() && assets.is_none() {
        return Err("the project has neither a worker entry nor static assets".into());
    }
    Ok(SiteVersion {
        version,
        key,
        routing: project
            .assets
            .as_ref()
            .map(|a| a.routing.clone())
            .unwrap_or_default(),
        assets: assets.map(|(_, a)| a),
        migrations,
        watched: watched_files(&backend.dir, &project),
    })
}

/// The config files a project may have, relative to its directory.
const CONFIG_FILES: [&str; 8] = [
    "wrangler.jsonc",
    "wrangler.json",
    "wrangler.toml",
    ".wrangler/deploy/config.json",
    "dist/.openai/hosting.json",
    ".openai/hosting.json",
    "dist/_appgen_meta/appgarden.json",
    "dist/server/wrangler.json",
];

/// Files that a redeploy changes: the project's config files and entry.
fn watched_files(dir: &Path, project: &Project) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = CONFIG_FILES.iter().map(|f| dir.join(f)).collect();
    if let Some(entry) = &project.entry {
        files.push(project.root.join(entry));
    }
    files.push(dir.to_path_buf());
    files
}

/// Files looked at for the version id at most (a bigger tree is cut off there).
const MAX_VERSION_FILES: usize = 20_000;

/// A digest of every file under `dir` (relative path, size, modification time), skipping
/// `node_modules` and `.git`.
fn version_id(dir: &Path) -> String {
    let mut entries = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == "node_modules" || name == ".git" || entries.len() >= MAX_VERSION_FILES {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else {
                let modified = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .unwrap_or_default();
                let relative = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                entries.push(format!(
                    "{}\0{}\0{}",
                    relative.display(),
                    meta.len(),
                    modified.as_nanos()
                ));
            }
        }
    }
    entries.sort();
    let digest = ring::digest::digest(&ring::digest::SHA256, entries.join("\n").as_bytes());
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The runtime's form of a site's `[sites.NAME.outbound]` table.
fn outbound_policy(outbound: &Outbound) -> Arc<OutboundPolicy> {
    Arc::new(OutboundPolicy::new(
        outbound.hosts.clone(),
        outbound.private.clone(),
    ))
}
