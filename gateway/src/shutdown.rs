//! Shutdown signals: SIGTERM (or SIGQUIT) drains for the configured grace period; a second
//! SIGTERM or a SIGINT at any time stops at once.

use async_trait::async_trait;
use pingora_core::server::{ShutdownSignal, ShutdownSignalWatch};
use signal_hook::consts::{SIGINT, SIGTERM};
use tokio::signal::unix::{signal, SignalKind};

/// Watches for shutdown signals on behalf of the pingora server.
pub struct Signals;

#[async_trait]
impl ShutdownSignalWatch for Signals {
    async fn recv(&self) -> ShutdownSignal {
        let (Ok(mut term), Ok(mut int), Ok(mut quit)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::quit()),
        ) else {
            tracing::error!("cannot listen for shutdown signals; stopping");
            return ShutdownSignal::FastShutdown;
        };
        tokio::select! {
            _ = int.recv() => {
                tracing::info!("SIGINT: stopping now");
                ShutdownSignal::FastShutdown
            }
            _ = term.recv() => drain("SIGTERM"),
            _ = quit.recv() => drain("SIGQUIT"),
        }
    }
}

/// Starts the drain and arms the "second signal stops at once" watcher.
fn drain(name: &str) -> ShutdownSignal {
    tracing::info!("{name}: draining; send SIGTERM again or SIGINT to stop at once");
    match signal_hook::iterator::Signals::new([SIGTERM, SIGINT]) {
        Ok(mut signals) => {
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    tracing::info!(signal = sig, "second shutdown signal: stopping now");
                    std::process::exit(0);
                }
            });
        }
        Err(e) => tracing::warn!(error = %e, "cannot watch for a second shutdown signal"),
    }
    ShutdownSignal::GracefulTerminate
}
