//! Which code each worker site runs: its directory's entry module (`index.js`, else
//! `worker.js`) and a version id taken from the entry's size and modification time, so a
//! changed entry is a new version (the config poller watches entries too). Built with every
//! snapshot, with the site's limits and outbound policy (a changed policy is a new version key,
//! so requests go to an isolate running under it); a site whose directory has no entry is
//! served a 503 page.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use policy::{Backend, Outbound, Policy};
use runtime::{OutboundPolicy, VersionKey};

use crate::config::WorkersConfig;

/// Entry module names, in the order they are looked for.
const ENTRIES: [&str; 2] = ["index.js", "worker.js"];

/// The version of each worker site, by site id.
#[derive(Debug, Default)]
pub struct WorkerVersions {
    by_site: HashMap<String, VersionKey>,
}

impl WorkerVersions {
    /// Looks at the directory of every worker site in `policy`.
    pub fn scan(policy: &Policy, workers: &WorkersConfig) -> WorkerVersions {
        let mut by_site = HashMap::new();
        for site in policy.sites() {
            let Backend::Worker(backend) = &site.backend else {
                continue;
            };
            let Some((entry, meta)) = ENTRIES
                .iter()
                .find_map(|name| Some((*name, std::fs::metadata(backend.dir.join(name)).ok()?)))
            else {
                tracing::warn!(site = site.id(), dir = %backend.dir.display(), "worker site has no index.js or worker.js");
                continue;
            };
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .unwrap_or_default();
            let limits = runtime::Limits {
                cpu_per_call: site
                    .cpu_ms
                    .map_or(workers.limits.cpu_per_call, Duration::from_millis),
                ..workers.limits
            };
            by_site.insert(
                site.id().to_string(),
                VersionKey {
                    site: site.id().to_string(),
                    version: format!("{}-{}", meta.len(), modified.as_nanos()),
                    dir: backend.dir.clone(),
                    entry: entry.to_string(),
                    limits,
                    outbound: outbound_policy(&backend.outbound),
                    bindings: Default::default(),
                },
            );
        }
        WorkerVersions { by_site }
    }

    /// The version a worker site runs (and the outbound policy it runs under).
    pub fn get(&self, site_id: &str) -> Option<&VersionKey> {
        self.by_site.get(site_id)
    }

    /// The entry files, watched for changes.
    pub fn entries(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.by_site.values().map(|key| key.dir.join(&key.entry))
    }
}

/// The runtime's form of a site's `[sites.NAME.outbound]` table.
fn outbound_policy(outbound: &Outbound) -> Arc<OutboundPolicy> {
    Arc::new(OutboundPolicy::new(
        outbound.hosts.clone(),
        outbound.private.clone(),
    ))
}
