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
use crate::deploy::{DeployStore, SiteDeploys};
use crate::secrets::{Sealed, SecretStore};

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
    /// Saved, unpublished versions by (site id, version id): the preview site and what it runs.
    previews: HashMap<(String, String), (Arc<Site>, SiteVersion)>,
    /// The deploy records of the worker sites.
    watched: Vec<PathBuf>,
}

/// Where a worker site's current version comes from.
enum Source {
    /// A deployed version: its directory, content id and the secrets it was published with.
    Deployed(PathBuf, String, Sealed),
    /// The project directory named in the RBAC file, read as it is now.
    Directory(PathBuf),
}

impl Source {
    fn dir(&self) -> &Path {
        match self {
            Source::Deployed(dir, ..) | Source::Directory(dir) => dir,
        }
    }
}

impl WorkerVersions {
    /// Reads the project of every worker site in `policy`: a site with a deployed production
    /// version serves it, otherwise the project directory its backend names, if any; each
    /// saved, unpublished version gets a preview. A project that cannot be read is logged and
    /// its site served a 503 page.
    pub fn scan(policy: &Policy, workers: &WorkersConfig, state_dir: &Path) -> WorkerVersions {
        let secrets = open_secrets(state_dir);
        let deploys = DeployStore::new(state_dir);
        let mut versions = WorkerVersions::default();
        for site in policy.sites() {
            let Backend::Worker(backend) = &site.backend else {
                continue;
            };
            versions.watched.push(deploys.site_file(site.id()));
            let context = SiteContext {
                site,
                backend,
                workers,
                state_dir,
                secrets: secrets.as_ref(),
            };
            let record = match deploys.read(site.id()) {
                Ok(record) => record,
                Err(error) => {
                    tracing::error!(site = site.id(), "worker site cannot be served: {error}");
                    continue;
                }
            };
            versions.add_previews(&context, &deploys, &record);
            let source = match (record.production, &backend.dir) {
                (Some(id), _) => {
                    Source::Deployed(deploys.version_dir(site.id(), &id), id, record.secrets)
                }
                (None, Some(dir)) => Source::Directory(dir.clone()),
                (None, None) => continue,
            };
            match context.version(&source) {
                Ok(version) => {
                    versions.by_site.insert(site.id().to_string(), version);
                }
                Err(error) => {
                    tracing::error!(site = site.id(), dir = %source.dir().display(), "worker site cannot be served: {error}");
                }
            }
        }
        versions
    }

    /// A preview of each saved version of the site that is not production, with the site's
    /// secrets as they are now. A preview runs on the site's data; its migrations wait until
    /// it is promoted.
    fn add_previews(
        &mut self,
        context: &SiteContext<'_>,
        deploys: &DeployStore,
        record: &SiteDeploys,
    ) {
        let site = context.site;
        let env = context
            .secrets
            .map(|s| s.sealed(site.id()))
            .unwrap_or_default();
        let saved = record
            .versions
            .iter()
            .filter(|v| record.production.as_ref() != Some(&v.id));
        for saved in saved {
            let dir = deploys.version_dir(site.id(), &saved.id);
            let source = Source::Deployed(dir, saved.id.clone(), env.clone());
            match context.version(&source) {
                Ok(mut version) => {
                    version.migrations.clear();
                    let preview = Arc::new(site.preview(&saved.id, saved.person.as_deref()));
                    self.previews.insert(
                        (site.id().to_string(), saved.id.clone()),
                        (preview, version),
                    );
                }
                Err(error) => {
                    tracing::warn!(site = site.id(), version = %saved.id, "saved version cannot be previewed: {error}")
                }
            }
        }
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

    /// The preview of saved version `version` of site `site_id`, and what it runs.
    pub fn preview(&self, site_id: &str, version: &str) -> Option<&(Arc<Site>, SiteVersion)> {
        self.previews
            .get(&(site_id.to_string(), version.to_string()))
    }

    /// What `site` serves: its live version, or for a preview its saved one.
    pub fn for_site(&self, site: &Site) -> Option<&SiteVersion> {
        match &site.preview {
            Some(version) => self.preview(site.id(), version).map(|(_, v)| v),
            None => self.get(site.id()),
        }
    }

    /// The files watched for changes.
    pub fn watched(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.by_site
            .values()
            .flat_map(|v| v.watched.iter().cloned())
            .chain(self.watched.iter().cloned())
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

/// What building one site's version needs besides its source.
struct SiteContext<'a> {
    site: &'a Site,
    backend: &'a WorkerBackend,
    workers: &'a WorkersConfig,
    state_dir: &'a Path,
    secrets: Option<&'a SecretStore>,
}

impl SiteContext<'_> {
    fn version(&self, source: &Source) -> Result<SiteVersion, String> {
        let (site, dir) = (self.site, source.dir());
        if let Source::Directory(dir) = source {
            apart_from_state(dir, self.state_dir)?;
        }
        let project = detect(dir)?;
        for warning in &project.warnings {
            tracing::warn!(site = site.id(), "{warning}");
        }
        let data = site_data(self.state_dir, site.id());
        let version = match source {
            Source::Deployed(_, id, _) => id.clone(),
            Source::Directory(dir) => version_id(dir),
        };
        let assets = project
            .assets
            .as_ref()
            .map(|spec| {
                Assets::new(dir, &spec.dir, spec.html_handling, spec.not_found_handling)
                    .map(|a| (spec.binding.clone(), Arc::new(a.ignoring(&spec.ignore))))
            })
            .transpose()?;
        let site_secrets = match (source, self.secrets) {
            (Source::Deployed(.., env), _) if env.is_empty() => Vec::new(),
            (Source::Deployed(.., env), Some(store)) => store.open_all(site.id(), env)?,
            (Source::Deployed(..), None) => {
                return Err(
                    "the version's secrets cannot be opened: the secrets store is missing".into(),
                )
            }
            (Source::Directory(_), Some(store)) => store.for_site(site.id())?,
            (Source::Directory(_), None) => Vec::new(),
        };
        let bindings = Bindings {
            vars: project.vars.clone(),
            secrets: site_secrets,
            d1: project
                .d1
                .iter()
                .map(|d| (d.binding.clone(), d1_file(&data, &d.binding)))
                .collect(),
            r2: project
                .r2
                .iter()
                .map(|name| (name.clone(), data.join("r2").join(name)))
                .collect(),
            assets: assets.clone(),
        };
        let key = project.entry.as_ref().map(|entry| VersionKey {
            site: site.id().to_string(),
            version: version.clone(),
            dir: project.root.clone(),
            entry: entry.clone(),
            limits: runtime::Limits {
                cpu_per_call: site
                    .cpu_ms
                    .map_or(self.workers.limits.cpu_per_call, Duration::from_millis),
                ..self.workers.limits
            },
            outbound: outbound_policy(&self.backend.outbound),
            bindings: Arc::new(bindings),
        });
        if key.is_none() && assets.is_none() {
            return Err(NOTHING_TO_SERVE.into());
        }
        let watched = match source {
            Source::Deployed(..) => Vec::new(),
            Source::Directory(dir) => watched_files(dir, &project),
        };
        Ok(SiteVersion {
            version,
            key,
            routing: project
                .assets
                .as_ref()
                .map(|a| a.routing.clone())
                .unwrap_or_default(),
            assets: assets.map(|(_, a)| a),
            migrations: pending_migrations(&project, &data),
            watched,
        })
    }
}

/// The project in `dir`, its D1 and R2 binding names checked: they name files and folders
/// under the site's data directory, so only JavaScript identifiers are accepted (a name like
/// `../../other/site/d1/DB` must never reach another site's data).
fn detect(dir: &Path) -> Result<Project, String> {
    let project = project::detect(dir).map_err(|e| e.to_string())?;
    let names = project
        .d1
        .iter()
        .map(|d| ("d1", d.binding.as_str()))
        .chain(project.r2.iter().map(|r| ("r2", r.as_str())));
    for (kind, name) in names {
        if !is_identifier(name) {
            return Err(format!(
                "{kind} binding name {name:?} is not a JavaScript identifier (letters, digits, _ and $, not starting with a digit)"
            ));
        }
    }
    Ok(project)
}

fn is_identifier(name: &str) -> bool {
    runtime::bindings::is_identifier(name) && name.len() <= 128
}

/// Refuses a folder-served site whose directory holds the state directory (the gateway's keys
/// and every site's data) or lies inside it: no site root may contain them (docs/security.md,
/// "Who is trusted"). Deployed versions live in the state directory's own `deploys/` tree.
fn apart_from_state(dir: &Path, state_dir: &Path) -> Result<(), String> {
    let real = |path: &Path| {
        path.canonicalize()
            .or_else(|_| std::path::absolute(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let (dir, state) = (real(dir), real(state_dir));
    if state.starts_with(&dir) || dir.starts_with(&state) {
        return Err(format!(
            "the site's directory {} holds or lies inside the state directory {}: serve the site from a folder of its own",
            dir.display(),
            state.display()
        ));
    }
    Ok(())
}

const NOTHING_TO_SERVE: &str = "the project has neither a worker entry nor static assets";

/// Where a site's D1 files and R2 buckets live.
fn site_data(state_dir: &Path, site_id: &str) -> PathBuf {
    state_dir.join("sites").join(site_id)
}

/// The SQLite file of D1 binding `binding`.
fn d1_file(data: &Path, binding: &str) -> PathBuf {
    data.join("d1").join(format!("{binding}.sqlite3"))
}

/// Each D1 file of the project with the migrations the project brings for it.
fn pending_migrations(project: &Project, data: &Path) -> Vec<(PathBuf, Migrations)> {
    project
        .d1
        .iter()
        .filter_map(|d| d.migrations.clone().map(|m| (d1_file(data, &d.binding), m)))
        .collect()
}

/// The project in `dir` if it can be served: every path it names inside `dir`, its binding
/// names valid, and a worker or assets to serve.
pub fn check(dir: &Path) -> Result<Project, String> {
    let project = detect(dir)?;
    if project.entry.is_none() && project.assets.is_none() {
        return Err(NOTHING_TO_SERVE.into());
    }
    Ok(project)
}

/// Checks that the project in `dir` can be served as a version of site `site_id` and applies
/// its pending D1 migrations, before a deploy makes it production. Returns the migrations
/// applied; on error (naming the file and statement of a failed migration) the database is
/// as it was before that migration.
pub fn prepare(site_id: &str, dir: &Path, state_dir: &Path) -> Result<Vec<String>, String> {
    let project = check(dir)?;
    let mut applied = Vec::new();
    for (db, migrations) in pending_migrations(&project, &site_data(state_dir, site_id)) {
        applied.extend(migrations::apply(&db, &migrations).map_err(|e| e.to_string())?);
    }
    Ok(applied)
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
    crate::auth::hex(&digest.as_ref()[..8])
}

/// The runtime's form of a site's `[sites.NAME.outbound]` table.
fn outbound_policy(outbound: &Outbound) -> Arc<OutboundPolicy> {
    Arc::new(OutboundPolicy::new(
        outbound.hosts.clone(),
        outbound.private.clone(),
    ))
}
