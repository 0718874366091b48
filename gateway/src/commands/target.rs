//! Where a deploy or secret verb acts: offline, directly on the state directory of a config
//! (a running gateway notices the change by itself), or through a running gateway's admin API.
//! Both give the same answers, so the verbs print them the same way.

use std::path::{Path, PathBuf};

use reqwest::Method;
use serde::Deserialize;

use super::remote::Remote;
use crate::audit::Actor;
use crate::cli::TargetArg;
use crate::deploy::{archive, SiteDeploys};
use crate::deployer::{Deployed, Deployer};
use crate::secrets::{SecretInfo, SecretStore};

/// An offline state directory or a remote gateway.
pub enum Target {
    /// The state directory of the config.
    Offline {
        /// Its deployer.
        deployer: Deployer,
        /// The directory.
        state_dir: PathBuf,
    },
    /// A running gateway.
    Remote(Remote),
}

/// What promote and rollback answer.
#[derive(Debug, Deserialize)]
pub struct Published {
    /// The version now live.
    pub version: String,
    /// Migrations applied first.
    #[serde(default)]
    pub migrations: Vec<String>,
}

#[derive(Deserialize)]
struct Secrets {
    secrets: Vec<SecretInfo>,
}

impl Target {
    /// The target `arg` names, for worker site `site`.
    pub fn open(arg: &TargetArg, site: &str) -> anyhow::Result<Target> {
        if let Some(gateway) = &arg.gateway {
            return Ok(Target::Remote(Remote::new(
                gateway,
                arg.token_file.as_deref(),
                arg.ca.as_deref(),
            )?));
        }
        let snapshot = arg.config.source().load()?;
        super::worker_site(&snapshot, site)?;
        Ok(Target::Offline {
            deployer: Deployer::new(&snapshot.config.state_dir, snapshot.config.deploy),
            state_dir: snapshot.config.state_dir.clone(),
        })
    }

    /// Stores the project in `dir` as a version of `site`, and publishes it unless `save`.
    pub fn deploy(&self, site: &str, dir: &Path, save: bool) -> anyhow::Result<Deployed> {
        if !dir.is_dir() {
            anyhow::bail!("{}: not a directory", dir.display());
        }
        match self {
            Target::Offline { deployer, .. } => {
                Ok(deployer.deploy_dir(site, dir, save, &Actor::local())?)
            }
            Target::Remote(remote) => {
                let limits = crate::deploy::TreeLimits {
                    max_bytes: u64::MAX,
                    max_files: usize::MAX,
                };
                let upload = archive::pack(dir, limits)?;
                let query = if save { "?save=true" } else { "" };
                remote.call(
                    Method::POST,
                    &format!("{site}/versions{query}"),
                    Some(upload),
                )
            }
        }
    }

    /// `site`'s versions.
    pub fn versions(&self, site: &str) -> anyhow::Result<SiteDeploys> {
        match self {
            Target::Offline { deployer, .. } => Ok(deployer.store().read(site)?),
            Target::Remote(remote) => remote.call(Method::GET, &format!("{site}/versions"), None),
        }
    }

    /// Publishes saved version `id` of `site`.
    pub fn promote(&self, site: &str, id: &str) -> anyhow::Result<Published> {
        match self {
            Target::Offline { deployer, .. } => Ok(Published {
                migrations: deployer.promote(site, id, &Actor::local())?,
                version: id.to_string(),
            }),
            Target::Remote(remote) => {
                remote.call(Method::POST, &format!("{site}/versions/{id}/promote"), None)
            }
        }
    }

    /// Returns `site` to its previous production version.
    pub fn rollback(&self, site: &str) -> anyhow::Result<Published> {
        match self {
            Target::Offline { deployer, .. } => Ok(Published {
                version: deployer.rollback(site, &Actor::local())?,
                migrations: Vec::new(),
            }),
            Target::Remote(remote) => remote.call(Method::POST, &format!("{site}/rollback"), None),
        }
    }

    /// Sets `site`'s secret `name`; with `now`, the live version gets it at once.
    pub fn secret_put(&self, site: &str, name: &str, value: &str, now: bool) -> anyhow::Result<()> {
        match self {
            Target::Offline { deployer, .. } => {
                Ok(deployer.put_secret(site, name, value, now, &Actor::local())?)
            }
            Target::Remote(remote) => {
                let query = if now { "?now=true" } else { "" };
                let path = format!("{site}/secrets/{name}{query}");
                remote.call::<serde_json::Value>(
                    Method::PUT,
                    &path,
                    Some(value.as_bytes().to_vec()),
                )?;
                Ok(())
            }
        }
    }

    /// `site`'s secrets, names and when set.
    pub fn secret_list(&self, site: &str) -> anyhow::Result<Vec<SecretInfo>> {
        match self {
            Target::Offline { state_dir, .. } => {
                let store = SecretStore::open(state_dir).map_err(anyhow::Error::msg)?;
                Ok(store.listing(site))
            }
            Target::Remote(remote) => {
                let answer: Secrets = remote.call(Method::GET, &format!("{site}/secrets"), None)?;
                Ok(answer.secrets)
            }
        }
    }

    /// Deletes `site`'s secret `name`; with `now`, the live version loses it at once.
    pub fn secret_delete(&self, site: &str, name: &str, now: bool) -> anyhow::Result<()> {
        match self {
            Target::Offline { deployer, .. } => {
                Ok(deployer.delete_secret(site, name, now, &Actor::local())?)
            }
            Target::Remote(remote) => {
                let query = if now { "?now=true" } else { "" };
                let path = format!("{site}/secrets/{name}{query}");
                remote.call::<serde_json::Value>(Method::DELETE, &path, None)?;
                Ok(())
            }
        }
    }
}
