//! Deploying sites: a project directory (or an uploaded archive of one) becomes an immutable
//! version under its content id; publishing it applies its D1 migrations first and makes it
//! production only if they all succeed; rollback returns to the previous production version.
//! Every action is written to the audit log. The CLI's offline mode and the admin API both
//! go through [`Deployer`].

pub mod store;
pub mod tree;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use store::{DeployError, DeployStore, SiteDeploys, Staging, VersionMeta};
pub use tree::{TreeLimits, TreeSize};

use crate::audit::{Actor, AuditLog};
use crate::config::DeployConfig;
use crate::worker::versions;

/// What a deploy did.
#[derive(Debug, Clone)]
pub struct Deployed {
    /// The stored version.
    pub version: VersionMeta,
    /// Whether it is now production (false for `--save`).
    pub published: bool,
    /// Migrations applied when it was published.
    pub migrations: Vec<String>,
    /// Versions deleted to keep the configured count.
    pub pruned: Vec<String>,
}

/// Stores, publishes and rolls back the versions of sites in one state directory.
#[derive(Debug, Clone)]
pub struct Deployer {
    store: DeployStore,
    state_dir: PathBuf,
    settings: DeployConfig,
    audit: AuditLog,
}

impl Deployer {
    /// The deployer of `state_dir`.
    pub fn new(state_dir: &Path, settings: DeployConfig) -> Deployer {
        Deployer {
            store: DeployStore::new(state_dir),
            state_dir: state_dir.to_path_buf(),
            settings,
            audit: AuditLog::new(state_dir),
        }
    }

    /// The store.
    pub fn store(&self) -> &DeployStore {
        &self.store
    }

    /// Copies the project in `dir` into a new version of `site` and, unless `save_only`,
    /// publishes it.
    pub fn deploy_dir(
        &self,
        site: &str,
        dir: &Path,
        save_only: bool,
        actor: &Actor,
    ) -> Result<Deployed, DeployError> {
        let staging = self.store.staging(site)?;
        let size = tree::copy(dir, staging.path(), self.settings.limits)
            .map_err(|e| self.refused(site, actor, save_only, e.into()))?;
        self.deploy_staged(
            site,
            staging,
            size,
            &dir.display().to_string(),
            save_only,
            actor,
        )
    }

    /// Stores staged files as a version of `site` and, unless `save_only`, publishes it.
    pub fn deploy_staged(
        &self,
        site: &str,
        staging: Staging,
        size: TreeSize,
        source: &str,
        save_only: bool,
        actor: &Actor,
    ) -> Result<Deployed, DeployError> {
        let action = if save_only { "save" } else { "deploy" };
        let saved = self
            .store
            .save(site, staging, size, &actor.who, source)
            .and_then(|version| {
                if save_only {
                    return Ok((version, Vec::new()));
                }
                let migrations = self.publish(site, &version.id)?;
                Ok((version, migrations))
            });
        let (version, migrations) = match saved {
            Ok(done) => done,
            Err(error) => return Err(self.refused(site, actor, save_only, error)),
        };
        self.audit.record(actor, action, site, &version.id, "ok");
        let pruned = self.store.prune(site, self.settings.keep_versions)?;
        Ok(Deployed {
            version,
            published: !save_only,
            migrations,
            pruned,
        })
    }

    /// Makes saved version `id` production.
    pub fn promote(&self, site: &str, id: &str, actor: &Actor) -> Result<Vec<String>, DeployError> {
        let result = self.publish(site, id);
        self.audit
            .record(actor, "promote", site, id, &outcome(&result));
        result
    }

    /// Returns `site` to its previous production version; returns that version's id.
    pub fn rollback(&self, site: &str, actor: &Actor) -> Result<String, DeployError> {
        let mut migrations = Vec::new();
        let result = self
            .store
            .rollback(site, |dir| {
                migrations = versions::prepare(site, dir, &self.state_dir)?;
                Ok(())
            })
            .map(|record| record.production.unwrap_or_default());
        let detail = result.as_deref().unwrap_or_default().to_string();
        self.audit
            .record(actor, "rollback", site, &detail, &outcome(&result));
        result
    }

    /// Checks the version, applies its migrations and makes it production.
    fn publish(&self, site: &str, id: &str) -> Result<Vec<String>, DeployError> {
        let mut migrations = Vec::new();
        self.store.promote(site, id, |dir| {
            migrations = versions::prepare(site, dir, &self.state_dir)?;
            Ok(())
        })?;
        Ok(migrations)
    }

    /// Records a refused deploy or save and hands the error back.
    fn refused(
        &self,
        site: &str,
        actor: &Actor,
        save_only: bool,
        error: DeployError,
    ) -> DeployError {
        let action = if save_only { "save" } else { "deploy" };
        self.audit
            .record(actor, action, site, "", &error.to_string());
        error
    }
}

fn outcome<T>(result: &Result<T, DeployError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(error) => error.to_string(),
    }
}
