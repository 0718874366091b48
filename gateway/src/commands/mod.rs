//! The verbs of the command line that work on a state directory: deploying and the version
//! verbs (`deploy`, `versions`, `promote`, `rollback`).

pub mod deploy;

use crate::snapshot::Snapshot;

/// Fails unless `site` (`workspace/site`) is a worker site of the RBAC files.
pub fn worker_site(snapshot: &Snapshot, site: &str) -> anyhow::Result<()> {
    let Some(found) = snapshot.policy.site(site) else {
        anyhow::bail!("no site \"{site}\" in the RBAC files (expected workspace/site)");
    };
    if !matches!(found.backend, policy::Backend::Worker(_)) {
        anyhow::bail!(
            "{site} is proxied to an upstream; only worker sites (backend = {{ worker = \"dir\" }} or {{ deployed = true }}) take deploys"
        );
    }
    Ok(())
}
