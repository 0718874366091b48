//! Deploying sites: a project directory (or an uploaded archive of one) becomes an immutable
//! version under its content id; publishing it applies its D1 migrations first and makes it
//! production only if they all succeed; rollback returns to the previous production version.
//! Every action is written to the audit log. The CLI's offline mode and the admin API both
//! go through [`Deployer`]. A project naming a path outside itself (an assets directory of
//! `/etc`, a `main` or `configPath` climbing out with `..`, a symlink leaving it) is refused
//! before anything is stored.

use std::path::{Path, PathBuf};

use crate::audit::{Actor, AuditLog};
use crate::config::DeployConfig;
use crate::deploy::{tree, DeployError, DeployStore, Staging, TreeLimits, TreeSize, VersionMeta};
use crate::secrets::{Sealed, SecretStore};
use crate::worker::versions;

/// What a deploy did.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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

    /// The audit log.
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// What one version may hold.
    pub fn limits(&self) -> TreeLimits {
        self.settings.limits
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
        check(dir).map_err(|e| self.refused(site, actor, save_only, e))?;
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
        let saved = check(staging.path())
            .and_then(|()| self.store.save(site, staging, size, actor, source))
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
        let result = self
            .store
            .rollback(site, |dir| self.prepare(site, dir).map(|(_, env)| env))
            .map(|record| record.production.unwrap_or_default());
        let detail = result.as_deref().unwrap_or_default().to_string();
        self.audit
            .record(actor, "rollback", site, &detail, &outcome(&result));
        result
    }

    /// Sets `site`'s secret `name`; with `now`, the live version gets it at once (else at the
    /// next publish).
    pub fn put_secret(
        &self,
        site: &str,
        name: &str,
        value: &str,
        now: bool,
        actor: &Actor,
    ) -> Result<(), DeployError> {
        let result = self
            .secrets()
            .and_then(|mut store| store.put(site, name, value).map_err(DeployError::Rejected));
        self.audit
            .record(actor, "secret.put", site, name, &outcome(&result));
        result?;
        self.roll_if(now, site, actor)
    }

    /// Deletes `site`'s secret `name`; with `now`, the live version loses it at once.
    pub fn delete_secret(
        &self,
        site: &str,
        name: &str,
        now: bool,
        actor: &Actor,
    ) -> Result<(), DeployError> {
        let result = self.secrets().and_then(|mut store| {
            match store.delete(site, name).map_err(DeployError::Rejected)? {
                true => Ok(()),
                false => Err(DeployError::NoSecret(site.to_string(), name.to_string())),
            }
        });
        self.audit
            .record(actor, "secret.delete", site, name, &outcome(&result));
        result?;
        self.roll_if(now, site, actor)
    }

    /// With `now`, gives the live version of `site` the secrets as they are now.
    fn roll_if(&self, now: bool, site: &str, actor: &Actor) -> Result<(), DeployError> {
        if !now {
            return Ok(());
        }
        let result = self
            .secrets()
            .and_then(|store| self.store.set_secrets(site, store.sealed(site)));
        let detail = match &result {
            Ok(false) => "nothing is live",
            _ => "",
        };
        self.audit
            .record(actor, "secret.rollout", site, detail, &outcome(&result));
        result.map(|_| ())
    }

    fn secrets(&self) -> Result<SecretStore, DeployError> {
        SecretStore::open(&self.state_dir).map_err(DeployError::Rejected)
    }

    /// Checks the version in `dir`, applies its migrations and takes the site's secrets as
    /// they are now, for publishing it.
    fn prepare(&self, site: &str, dir: &Path) -> Result<(Vec<String>, Sealed), String> {
        let migrations = versions::prepare(site, dir, &self.state_dir)?;
        let env = SecretStore::open(&self.state_dir)?.sealed(site);
        Ok((migrations, env))
    }

    /// Checks the version, applies its migrations and makes it production.
    fn publish(&self, site: &str, id: &str) -> Result<Vec<String>, DeployError> {
        let mut migrations = Vec::new();
        self.store.promote(site, id, |dir| {
            let (applied, env) = self.prepare(site, dir)?;
            migrations = applied;
            Ok(env)
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

/// Runs a deploy action (files, SQLite migrations) off the async threads; `panicked` is the
/// answer if it panics.
pub async fn off_thread<T: Send + 'static, E: Send + 'static>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
    panicked: E,
) -> Result<T, E> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or(Err(panicked))
}

/// Refuses the project in `dir` unless Sitegate can serve it with every path it names inside
/// it; the error names files relative to `dir` (a staging directory means nothing to the
/// author).
fn check(dir: &Path) -> Result<(), DeployError> {
    versions::check(dir).map(|_| ()).map_err(|message| {
        let prefix = format!("{}/", dir.display());
        DeployError::Rejected(message.replace(&prefix, ""))
    })
}

fn outcome<T>(result: &Result<T, DeployError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(error) => error.to_string(),
    }
}
