//! The deployed versions of each site under `<state_dir>/deploys/<workspace>/<site>/`: each
//! version an immutable directory `versions/<id>/` named by its content id, and `site.json`
//! saying which one is production, which were before it (for rollback) and who saved each.
//! `site.json` is replaced atomically under an exclusive lock on `.lock`, so a CLI working
//! offline and a running gateway never lose each other's changes.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use certs::fsutil::{write_atomic, KEY_MODE};

use super::tree::{self, TreeError, TreeSize};
use crate::audit::Actor;
use crate::secrets::Sealed;

/// The directory under the state directory.
pub const DIR: &str = "deploys";
/// Each site's record, in its directory.
pub const SITE_FILE: &str = "site.json";

/// One stored version.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct VersionMeta {
    /// The content id (also the directory name).
    pub id: String,
    /// Unix time it was first saved.
    pub saved_at: u64,
    /// Who saved it: a user's email, a token id, or `local:<user>` for the offline CLI.
    pub saved_by: String,
    /// The person who saved it, when it was one (who may open its preview).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// Where it came from (a directory, or an upload and its client address).
    pub source: String,
    /// Total bytes of its files.
    pub bytes: u64,
    /// Number of its files.
    pub files: usize,
}

/// A site's record: its versions, oldest first, and which is production.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SiteDeploys {
    /// The version serving production traffic.
    pub production: Option<String>,
    /// Earlier production versions, the most recent last: where `rollback` goes.
    pub previous: Vec<String>,
    /// Every stored version, oldest first.
    pub versions: Vec<VersionMeta>,
    /// The secrets production was published with (sealed): a changed secret reaches the
    /// live version at the next publish, or when rolled out on purpose.
    #[serde(default, skip_serializing_if = "Sealed::is_empty")]
    pub secrets: Sealed,
}

impl SiteDeploys {
    /// The stored version `id`.
    pub fn version(&self, id: &str) -> Option<&VersionMeta> {
        self.versions.iter().find(|v| v.id == id)
    }
}

/// Why a deploy operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The project's files cannot be taken.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// No such version.
    #[error("{site} has no version {id}")]
    NoVersion {
        /// The site.
        site: String,
        /// The version asked for.
        id: String,
    },
    /// No such secret.
    #[error("{0} has no secret {1}")]
    NoSecret(String, String),
    /// Nothing to roll back to.
    #[error("{0} has no earlier production version to roll back to")]
    NothingToRollBack(String),
    /// The project is not one Sitegate can run, or its migration failed.
    #[error("{0}")]
    Rejected(String),
    /// The state directory cannot be read or written.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// `site.json` is damaged.
    #[error("{0}: not a deploy record: {1}")]
    Corrupt(String, serde_json::Error),
}

/// The deploy records of every site.
#[derive(Debug, Clone)]
pub struct DeployStore {
    root: PathBuf,
}

impl DeployStore {
    /// The store under `state_dir`.
    pub fn new(state_dir: &Path) -> DeployStore {
        DeployStore {
            root: state_dir.join(DIR),
        }
    }

    /// The directory of `site` (`workspace/site`; both parts are validated names).
    fn site_dir(&self, site: &str) -> PathBuf {
        self.root.join(site)
    }

    /// The record file of `site`, watched by a running gateway.
    pub fn site_file(&self, site: &str) -> PathBuf {
        self.site_dir(site).join(SITE_FILE)
    }

    /// The files of `site`'s version `id`.
    pub fn version_dir(&self, site: &str, id: &str) -> PathBuf {
        self.site_dir(site).join("versions").join(id)
    }

    /// `site`'s record (empty when nothing was ever deployed).
    pub fn read(&self, site: &str) -> Result<SiteDeploys, DeployError> {
        let path = self.site_file(site);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| DeployError::Corrupt(path.display().to_string(), e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SiteDeploys::default()),
            Err(e) => Err(io(&path, e)),
        }
    }

    /// A new empty staging directory for `site`, to fill with a project's files.
    pub fn staging(&self, site: &str) -> Result<Staging, DeployError> {
        let parent = self.site_dir(site).join("staging");
        fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
        let dir = parent.join(format!("{:016x}", fastrand::u64(..)));
        Ok(Staging { dir })
    }

    /// Stores the staged files as a version of `site` (the same files as a stored version
    /// are that version) and records it. Production does not change.
    pub fn save(
        &self,
        site: &str,
        staged: Staging,
        size: TreeSize,
        saved_by: &Actor,
        source: &str,
    ) -> Result<VersionMeta, DeployError> {
        let id = tree::digest(&staged.dir)?;
        let target = self.version_dir(site, &id);
        let versions = target.parent().expect("versions dir").to_path_buf();
        fs::create_dir_all(&versions).map_err(|e| io(&versions, e))?;
        if !target.exists() {
            fs::rename(&staged.dir, &target).map_err(|e| io(&target, e))?;
            File::open(&versions)
                .and_then(|d| d.sync_all())
                .map_err(|e| io(&versions, e))?;
        }
        self.update(site, |record| {
            if let Some(existing) = record.version(&id) {
                return Ok(existing.clone());
            }
            let meta = VersionMeta {
                id: id.clone(),
                saved_at: crate::clock::now(),
                saved_by: saved_by.who.clone(),
                person: saved_by.person.clone(),
                source: source.to_string(),
                bytes: size.bytes,
                files: size.files,
            };
            record.versions.push(meta.clone());
            Ok(meta)
        })
    }

    /// Makes version `id` production; returns the record as it now is. `prepare` runs first,
    /// under the lock, and may refuse (a failed migration): then nothing changes; else it
    /// gives the secrets the version is published with.
    pub fn promote(
        &self,
        site: &str,
        id: &str,
        prepare: impl FnOnce(&Path) -> Result<Sealed, String>,
    ) -> Result<SiteDeploys, DeployError> {
        self.update(site, |record| {
            if record.version(id).is_none() {
                return Err(no_version(site, id));
            }
            record.secrets = prepare(&self.version_dir(site, id)).map_err(DeployError::Rejected)?;
            if let Some(current) = record.production.take() {
                if current != id {
                    record.previous.push(current);
                }
            }
            record.production = Some(id.to_string());
            Ok(record.clone())
        })
    }

    /// Makes the previous production version production again; returns the record as it
    /// now is. `prepare` runs as for [`DeployStore::promote`].
    pub fn rollback(
        &self,
        site: &str,
        prepare: impl FnOnce(&Path) -> Result<Sealed, String>,
    ) -> Result<SiteDeploys, DeployError> {
        self.update(site, |record| {
            let id = record
                .previous
                .last()
                .cloned()
                .ok_or_else(|| DeployError::NothingToRollBack(site.to_string()))?;
            record.secrets =
                prepare(&self.version_dir(site, &id)).map_err(DeployError::Rejected)?;
            record.previous.pop();
            record.production = Some(id);
            Ok(record.clone())
        })
    }

    /// Gives the live version `secrets` without publishing anything else; false when `site`
    /// has no live version.
    pub fn set_secrets(&self, site: &str, secrets: Sealed) -> Result<bool, DeployError> {
        self.update(site, |record| {
            if record.production.is_none() {
                return Ok(false);
            }
            record.secrets = secrets;
            Ok(true)
        })
    }

    /// Deletes the oldest versions beyond the newest `keep`, never production; returns the
    /// ids deleted.
    pub fn prune(&self, site: &str, keep: usize) -> Result<Vec<String>, DeployError> {
        let removed = self.update(site, |record| {
            let excess = record.versions.len().saturating_sub(keep);
            let mut removed = Vec::new();
            let production = record.production.clone();
            record.versions.retain(|v| {
                let drop = removed.len() < excess && Some(&v.id) != production.as_ref();
                if drop {
                    removed.push(v.id.clone());
                }
                !drop
            });
            record.previous.retain(|id| !removed.contains(id));
            Ok(removed)
        })?;
        for id in &removed {
            let dir = self.version_dir(site, id);
            fs::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
        }
        Ok(removed)
    }

    /// Reads, changes and writes back `site`'s record under its lock. When `change` fails the
    /// record is not written.
    fn update<T>(
        &self,
        site: &str,
        change: impl FnOnce(&mut SiteDeploys) -> Result<T, DeployError>,
    ) -> Result<T, DeployError> {
        let dir = self.site_dir(site);
        fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let lock_path = dir.join(".lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io(&lock_path, e))?;
        lock.lock().map_err(|e| io(&lock_path, e))?;
        let mut record = self.read(site)?;
        let result = change(&mut record)?;
        let path = self.site_file(site);
        let bytes = serde_json::to_vec_pretty(&record).expect("a record serializes");
        write_atomic(&path, &bytes, KEY_MODE).map_err(|e| io(&e.path, e.source))?;
        Ok(result)
    }
}

/// A staging directory; removed when dropped unless it became a version.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
}

impl Staging {
    /// Where to put the files (does not exist yet).
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn no_version(site: &str, id: &str) -> DeployError {
    DeployError::NoVersion {
        site: site.to_string(),
        id: id.to_string(),
    }
}

fn io(path: &Path, error: std::io::Error) -> DeployError {
    DeployError::Io(path.display().to_string(), error)
}
