//! `RuntimeError`: why a worker could not be loaded or run.

use std::path::PathBuf;

/// A failure of the runtime or of the site's code, for the log (never shown to visitors).
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The call used more CPU time than the site's budget and was stopped.
    #[error("worker exceeded its CPU budget of {budget_ms} ms")]
    CpuBudget {
        /// The budget, in milliseconds.
        budget_ms: u64,
    },
    /// The worker's heap reached its memory limit.
    #[error("worker exceeded its memory limit of {limit_bytes} bytes")]
    Memory {
        /// The limit, in bytes.
        limit_bytes: usize,
    },
    /// A module could not be resolved or read.
    #[error("cannot load module {specifier:?} (from {base:?}): {reason}")]
    Module {
        /// What was imported.
        specifier: String,
        /// The importing module.
        base: String,
        /// Why it was refused.
        reason: String,
    },
    /// The version directory is unusable.
    #[error("version directory {path}: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The site's code threw (message and stack, for the log).
    #[error("worker threw: {0}")]
    Exception(String),
    /// The engine failed (out of resources, internal error).
    #[error("QuickJS: {0}")]
    Engine(String),
}
