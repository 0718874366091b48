//! Prometheus metrics, served on the admin listener's `/metrics`.

use std::sync::LazyLock;

use prometheus::{
    register_histogram_vec, register_int_counter_vec, Encoder, HistogramVec, IntCounterVec,
    TextEncoder,
};

use crate::access_log::Entry;

static REQUESTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register_int_counter_vec!(
        "sitegate_requests_total",
        "Requests handled, by site, status class and outcome.",
        &["site", "status", "outcome"]
    )
    .unwrap_or_else(unreachable_metric)
});

static DURATION: LazyLock<HistogramVec> = LazyLock::new(|| {
    register_histogram_vec!(
        "sitegate_request_duration_seconds",
        "Time from request headers to the end of the response.",
        &["site"],
        vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]
    )
    .unwrap_or_else(unreachable_metric)
});

static RELOADS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register_int_counter_vec!(
        "sitegate_config_reloads_total",
        "Config reloads, by result (ok or error).",
        &["result"]
    )
    .unwrap_or_else(unreachable_metric)
});

/// A metric with a fixed, valid definition failed to register: only possible by registering
/// the same name twice, a programming error caught by the first test that serves `/metrics`.
fn unreachable_metric<T>(e: prometheus::Error) -> T {
    panic!("metric definition is invalid: {e}")
}

/// Counts one finished request.
pub fn record(entry: &Entry) {
    let class = match entry.status {
        0 => "none",
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    REQUESTS
        .with_label_values(&[entry.site, class, entry.outcome])
        .inc();
    DURATION
        .with_label_values(&[entry.site])
        .observe(entry.duration.as_secs_f64());
}

/// Counts one reload attempt.
pub fn record_reload(ok: bool) {
    RELOADS
        .with_label_values(&[if ok { "ok" } else { "error" }])
        .inc();
}

/// The text exposition of every registered metric.
pub fn render() -> Vec<u8> {
    LazyLock::force(&REQUESTS);
    LazyLock::force(&DURATION);
    LazyLock::force(&RELOADS);
    let mut out = Vec::new();
    let families = prometheus::gather();
    if let Err(e) = TextEncoder::new().encode(&families, &mut out) {
        tracing::error!(error = %e, "encoding metrics failed");
    }
    out
}
