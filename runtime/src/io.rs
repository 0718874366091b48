//! The shared I/O runtime: one small tokio runtime, started on first use, on which host
//! operations (waiting for a slow client, outbound requests, storage) run off the JS threads.

use std::future::Future;
use std::sync::OnceLock;

/// Runs `work` on the I/O runtime.
pub(crate) fn spawn(work: impl Future<Output = ()> + Send + 'static) {
    static IO: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    IO.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("sitegate-js-io")
            .enable_all()
            .build()
            .expect("the I/O runtime for workers starts")
    })
    .spawn(work);
}
