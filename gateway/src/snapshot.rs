//! The immutable snapshot the hot path reads (config + policy), how it is built from files,
//! and the store that swaps it atomically on reload.

use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use certs::{CertSet, DevCa, SniResolver};
use policy::{Diagnostics, Policy};

use crate::config::{Config, EMBEDDED_RBAC};
use crate::worker::versions::WorkerVersions;
use crate::{tls, GatewayError};

/// One consistent view of everything a request needs. Never mutated; replaced whole.
#[derive(Debug)]
pub struct Snapshot {
    /// The validated gateway config.
    pub config: Config,
    /// The access policy of every workspace.
    pub policy: Policy,
    /// The code each worker site runs.
    pub workers: WorkerVersions,
}

impl Snapshot {
    /// A site by the key the sign-in host uses: `workspace/site`, or
    /// `workspace/site@version` for the preview of a saved version.
    pub fn site_by_key(&self, key: &str) -> Option<Arc<policy::Site>> {
        match key.split_once('@') {
            Some((id, version)) => self
                .workers
                .preview(id, version)
                .map(|(site, _)| site.clone()),
            None => self.policy.site(key).cloned(),
        }
    }

    /// Every file whose change should trigger a reload.
    pub fn watched_files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.config.source.clone()];
        files.extend(self.config.rbac_files.iter().cloned());
        for c in &self.config.tls.certificates {
            files.push(c.cert.clone());
            files.push(c.key.clone());
        }
        files.extend(self.workers.watched());
        files.push(self.config.state_dir.join(crate::secrets::FILE));
        files
    }
}

/// Where the config comes from.
#[derive(Debug, Clone)]
pub enum ConfigSource {
    /// A `sitegate.toml` on disk and the RBAC files it lists.
    File(PathBuf),
    /// The demo config embedded in the binary.
    Embedded,
}

impl ConfigSource {
    /// Reads and validates the config and every RBAC file, reporting all problems at once.
    pub fn load(&self) -> Result<Snapshot, GatewayError> {
        let config = match self {
            ConfigSource::File(path) => Config::load(path),
            ConfigSource::Embedded => Config::embedded(),
        }
        .map_err(in_file_order)?;
        let policy = config
            .with_policy_context(|ctx| match self {
                ConfigSource::File(_) => Policy::load(&config.rbac_files, ctx),
                ConfigSource::Embedded => {
                    let sources = [(config.rbac_files[0].clone(), EMBEDDED_RBAC.to_string())];
                    Policy::from_sources(&sources, ctx)
                }
            })
            .map_err(in_file_order)?;
        let workers = WorkerVersions::scan(&policy, &config.workers, &config.state_dir);
        Ok(Snapshot {
            config,
            policy,
            workers,
        })
    }
}

/// Diagnostics sorted by file, line and column, as a reader goes through the files.
fn in_file_order(mut d: Diagnostics) -> Diagnostics {
    d.0.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    d
}

/// The live snapshot and certificate set, swapped together on reload.
pub struct Store {
    source: ConfigSource,
    current: ArcSwap<Snapshot>,
    resolver: Arc<SniResolver>,
    dev_ca: Option<DevCa>,
}

impl Store {
    /// Loads everything for the first time. Fails on any invalid file.
    pub fn open(source: ConfigSource) -> Result<Store, GatewayError> {
        let mut snapshot = source.load()?;
        snapshot.workers.migrate(None);
        let dev_ca = if snapshot.config.tls.dev_ca {
            Some(DevCa::load_or_create(&snapshot.config.state_dir).map_err(GatewayError::Cert)?)
        } else {
            None
        };
        let certs = certificates(&snapshot, dev_ca.as_ref())?;
        Ok(Store {
            source,
            current: ArcSwap::from_pointee(snapshot),
            resolver: SniResolver::new(certs),
            dev_ca,
        })
    }

    /// The snapshot for one request: take it once, use it for the whole request.
    pub fn load(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// The resolver handed to the TLS listener.
    pub fn resolver(&self) -> Arc<SniResolver> {
        self.resolver.clone()
    }

    /// The development CA, when on.
    pub fn dev_ca(&self) -> Option<&DevCa> {
        self.dev_ca.as_ref()
    }

    /// Builds a new snapshot and certificate set from the files and swaps both in. On any
    /// error the old snapshot keeps serving and the error is returned for logging.
    pub fn reload(&self) -> Result<Arc<Snapshot>, GatewayError> {
        let mut snapshot = self.source.load()?;
        snapshot.workers.migrate(Some(&self.load().workers));
        let certs = certificates(&snapshot, self.dev_ca.as_ref())?;
        self.resolver.replace(certs);
        let snapshot = Arc::new(snapshot);
        self.current.store(snapshot.clone());
        Ok(snapshot)
    }
}

/// The name the admin listener's development certificate carries: the CLI reaches a local
/// gateway as `https://localhost:<admin port>`.
const ADMIN_DEV_HOST: &str = "localhost";

fn certificates(snapshot: &Snapshot, dev_ca: Option<&DevCa>) -> Result<CertSet, GatewayError> {
    tls::cert_set(
        &snapshot.config,
        snapshot.config.tls.loaded.clone(),
        snapshot
            .policy
            .hostnames()
            .chain(std::iter::once(snapshot.config.signin.host.as_str()))
            .chain(snapshot.config.listen.admin.map(|_| ADMIN_DEV_HOST)),
        dev_ca,
    )
}
