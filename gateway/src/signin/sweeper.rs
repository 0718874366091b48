//! The background task that keeps the sign-in service's in-memory state bounded.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use pingora_core::server::ShutdownWatch;
use pingora_core::services::background::BackgroundService;

use super::SignIn;

/// Sweeps expired codes, states, assertions and rate-limit buckets every 30 seconds.
pub struct Sweeper(pub Arc<SignIn>);

#[async_trait]
impl BackgroundService for Sweeper {
    async fn start(&self, mut shutdown: ShutdownWatch) {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            tokio::select! {
                _ = shutdown.changed() => return,
                _ = tick.tick() => self.0.sweep(),
            }
        }
    }
}
