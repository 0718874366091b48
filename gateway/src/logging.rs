//! Logging setup: `tracing` to stderr as text or JSON, with pingora's `log` records bridged in.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber. `SITEGATE_LOG` overrides the configured filter.
pub fn init(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_env("SITEGATE_LOG")
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    // pingora logs through `log`; tracing-subscriber's default `tracing-log` feature bridges it.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
    if let Err(e) = result {
        eprintln!("sitegate: logging already initialised: {e}");
    }
}
