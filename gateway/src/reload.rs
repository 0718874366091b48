//! Reloading without a restart: on SIGHUP, and when any watched file (config, RBAC files,
//! certificates) changes. A bad new file is logged and counted; the old snapshot keeps serving.

#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use pingora_core::server::ShutdownWatch;
use pingora_core::services::background::BackgroundService;
use tokio::signal::unix::{signal, Signal, SignalKind};

use crate::metrics;
use crate::snapshot::Store;

/// How often watched files are checked for changes.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// The background service that watches for reload triggers.
pub struct Reloader {
    store: Arc<Store>,
}

impl Reloader {
    /// Reloads `store` when asked to.
    pub fn new(store: Arc<Store>) -> Self {
        Reloader { store }
    }

    fn reload(&self, why: &str) {
        match self.store.reload() {
            Ok(snapshot) => {
                metrics::record_reload(true);
                tracing::info!(
                    trigger = why,
                    sites = snapshot.policy.sites().count(),
                    "configuration reloaded"
                );
            }
            Err(e) => {
                metrics::record_reload(false);
                tracing::error!(
                    trigger = why,
                    "reload failed; the previous configuration keeps serving:\n{e}"
                );
            }
        }
    }
}

/// Modification time and length of each watched file (`None` when missing).
fn fingerprint(files: &[PathBuf]) -> Vec<Option<(SystemTime, u64)>> {
    files
        .iter()
        .map(|f| {
            std::fs::metadata(f)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())))
        })
        .collect()
}

/// The next SIGHUP; never, when listening for it could not be set up.
async fn next_hangup(hangup: &mut Option<Signal>) {
    match hangup {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}

#[async_trait]
impl BackgroundService for Reloader {
    async fn start(&self, mut shutdown: ShutdownWatch) {
        let mut hangup = signal(SignalKind::hangup())
            .inspect_err(|e| {
                tracing::error!(error = %e, "cannot listen for SIGHUP; reload on file change only")
            })
            .ok();
        let mut files = self.store.load().watched_files();
        let mut seen = fingerprint(&files);
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                _ = next_hangup(&mut hangup) => self.reload("SIGHUP"),
                // Even the embedded config watches its state files (deploys, secrets, tokens).
                _ = tick.tick() => {
                    let now = fingerprint(&files);
                    if now == seen {
                        continue;
                    }
                    self.reload("file change");
                }
            }
            files = self.store.load().watched_files();
            seen = fingerprint(&files);
        }
    }
}
