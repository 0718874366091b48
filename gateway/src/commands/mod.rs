//! The verbs of the command line that change what the gateway serves: deploying and the
//! version verbs (`deploy`, `versions`, `promote`, `rollback`), secrets and tokens; offline on
//! a state directory, or (but tokens) through a running gateway's admin API.

pub mod deploy;
mod remote;
pub mod secret;
mod target;
pub mod token;

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

/// A Unix time as RFC 3339, to the second.
pub fn rfc3339(t: u64) -> humantime::Rfc3339Timestamp {
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t))
}
