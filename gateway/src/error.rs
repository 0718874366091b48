//! `GatewayError`: what can stop the gateway from starting or reloading.

use policy::diag::Diagnostics;

/// A failure to load, start or reload the gateway.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Config or RBAC files are invalid; each line names file, line, column and key.
    #[error("{0}")]
    Invalid(Diagnostics),
    /// A certificate or the development CA could not be loaded or issued.
    #[error("{0}")]
    Cert(certs::CertError),
    /// A listener or server could not be set up.
    #[error("cannot start listener: {0}")]
    Listener(String),
    /// The sign-in service could not start (keys, IdP clients).
    #[error("sign-in: {0}")]
    SignIn(String),
    /// The worker runtime could not start.
    #[error("worker runtime: {0}")]
    Workers(String),
    /// The state directory could not be used.
    #[error("state directory {path}: {source}")]
    State {
        /// The directory.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl From<Diagnostics> for GatewayError {
    fn from(d: Diagnostics) -> Self {
        GatewayError::Invalid(d)
    }
}

/// An error with its sources, as one line (for the log and the CLI).
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
