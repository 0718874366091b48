//! The admin listener (HTTPS): `/healthz`, `/metrics` and the admin API that the CLI deploys
//! through. It has its own address, so no site hostname can reach these endpoints
//! (docs/security.md lines 16 and 23).

mod api;
mod caller;

use std::sync::Arc;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use http::Response;
use pingora_core::apps::http_app::ServeHttp;
use pingora_core::protocols::http::ServerSession;

use crate::metrics;
use crate::respond::admin as answer;
use crate::snapshot::Store;
use crate::tokens::TokenIndex;
use api::{Api, Call};
use caller::Caller;

/// Serves the admin endpoints.
pub struct Admin {
    store: Arc<Store>,
    tokens: Arc<TokenIndex>,
    api: Api,
}

impl Admin {
    /// Admin endpoints reporting on and acting on `store`, for callers holding `tokens`.
    pub fn new(store: Arc<Store>, tokens: Arc<TokenIndex>) -> Self {
        Admin {
            api: Api::new(store.clone()),
            store,
            tokens,
        }
    }

    /// An API call: the caller checked first, then the body read (up to the deploy size
    /// limit), then the handler.
    async fn api(&self, session: &mut ServerSession, path: String) -> Response<Vec<u8>> {
        let req = session.req_header();
        let authorization = req
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let client = session
            .client_addr()
            .and_then(|a| a.as_inet())
            .map(|a| a.ip());
        let caller = match Caller::authenticate(authorization, client, &self.tokens) {
            Ok(caller) => caller,
            Err(refusal) => return answer::refused(refusal),
        };
        let method = req.method.as_str().to_string();
        let query = req.uri.query().unwrap_or_default().to_string();
        let limit = self.store.load().config.deploy.limits.max_bytes;
        let body = match read_body(session, limit).await {
            Ok(body) => body,
            Err(refusal) => return answer::refused(refusal),
        };
        let call = Call {
            method: &method,
            path: &path,
            query: &query,
            body,
        };
        match self.api.handle(&caller, call).await {
            Ok((status, value)) => answer::json(status, &value),
            Err(refusal) => answer::refused(refusal),
        }
    }
}

/// The request body, refused (413) past `limit` bytes.
async fn read_body(session: &mut ServerSession, limit: u64) -> Result<Bytes, (u16, String)> {
    let too_large = || {
        (
            413,
            format!("the upload is larger than the limit of {limit} bytes (deploy.max_size_mb)"),
        )
    };
    let declared = session
        .req_header()
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = session
        .read_request_body()
        .await
        .map_err(|e| (400, format!("the request body could not be read: {e}")))?
    {
        body.extend_from_slice(&chunk);
        if body.len() as u64 > limit {
            return Err(too_large());
        }
    }
    Ok(body.freeze())
}

#[async_trait]
impl ServeHttp for Admin {
    async fn response(&self, session: &mut ServerSession) -> Response<Vec<u8>> {
        let path = session.req_header().uri.path().to_string();
        if let Some(rest) = path.strip_prefix(api::PREFIX) {
            return self.api(session, rest.to_string()).await;
        }
        let (status, content_type, body) = match path.as_str() {
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
        answer::body_of(status, content_type, body)
    }
}
