//! The admin listener: `/healthz` and `/metrics`. It has its own address, so no site hostname
//! can reach these endpoints (SECURITY-CHECKLIST lines 16 and 23).

use std::sync::Arc;

use async_trait::async_trait;
use http::Response;
use pingora_core::apps::http_app::ServeHttp;
use pingora_core::protocols::http::ServerSession;

use crate::metrics;
use crate::snapshot::Store;

/// Serves the admin endpoints.
pub struct Admin {
    store: Arc<Store>,
}

impl Admin {
    /// Admin endpoints reporting on `store`.
    pub fn new(store: Arc<Store>) -> Self {
        Admin { store }
    }
}

#[async_trait]
impl ServeHttp for Admin {
    async fn response(&self, session: &mut ServerSession) -> Response<Vec<u8>> {
        let (status, content_type, body) = match session.req_header().uri.path() {
            "/healthz" => {
                let sites = self.store.load().policy.sites().count();
                (
                    200,
                    "application/json",
                    format!(
                        "{{\"status\":\"ok\",\"sites\":{sites},\"pid\":{}}}\n",
                        std::process::id()
                    )
                    .into_bytes(),
                )
            }
            "/metrics" => (200, "text/plain; version=0.0.4", metrics::render()),
            _ => (404, "text/plain", b"not found\n".to_vec()),
        };
        let length = body.len();
        let mut response = Response::new(body);
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
        let headers = response.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(content_type),
        );
        headers.insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from(length),
        );
        headers.insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
        response
    }
}
