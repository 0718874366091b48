//! The worker backend: an allowed request to a worker site is answered from the version's
//! static assets first, or only by them, or only by the worker, as the project's
//! `run_worker_first` routes its path (`worker::static_routing`); for the worker it is read
//! whole (within the site's body limit), handed to the runtime in process with the site's
//! public `https://` URL, and the worker's response is written back by `respond` — whole, or
//! streamed as the worker produces it — with its `Set-Cookie` headers filtered as an
//! upstream's are. Failures become pages carrying the request id; what the worker threw goes
//! to the log only.

use bytes::{Bytes, BytesMut};
use pingora_error::Result;
use pingora_proxy::Session;
use runtime::{Pool, RuntimeError, WorkerRequest};

use crate::config::WorkersConfig;
use crate::outcome::Failure;
use crate::request::RequestCtx;
use crate::worker::static_routing::Route;
use crate::worker::versions::SiteVersion;
use crate::{respond, upstream, GatewayError};

/// The worker runtime of the gateway.
pub struct Workers {
    pool: Pool,
}

impl Workers {
    /// Starts the JS threads.
    pub fn start(config: &WorkersConfig) -> Result<Workers, GatewayError> {
        let pool = Pool::new(config.pool).map_err(|e| GatewayError::Workers(e.to_string()))?;
        Ok(Workers { pool })
    }

    /// Answers an allowed request with the site's `version` (`None`: the site's project
    /// cannot be served).
    pub async fn serve(
        &self,
        session: &mut Session,
        ctx: &mut RequestCtx,
        version: Option<&SiteVersion>,
        public_port: u16,
    ) -> Result<bool> {
        let Some(version) = version else {
            return respond::fail(session, ctx, Failure::WorkerMissing).await;
        };
        if let Some(assets) = &version.assets {
            let req = session.req_header();
            let route = version.routing.route(req.uri.path());
            if route != Route::Worker {
                match assets.serve(&req.method, req.uri.path(), &req.headers) {
                    Some(asset) => return respond::asset(session, ctx, asset).await,
                    None if route == Route::Assets => {
                        return respond::fail(session, ctx, Failure::AssetNotFound).await
                    }
                    None => {}
                }
            }
        }
        let Some(key) = &version.key else {
            return respond::fail(session, ctx, Failure::AssetNotFound).await;
        };
        let Some(body) = read_body(session, ctx.body_limit()).await? else {
            return respond::fail(session, ctx, Failure::BodyTooLarge).await;
        };
        ctx.received(body.len());
        upstream::shape_forwarded(session.req_header_mut(), &ctx.forwarding(), false)?;
        let req = session.req_header();
        let host = ctx.host().unwrap_or_default();
        let target = req.uri.path_and_query().map_or("/", |p| p.as_str());
        let url = format!("{}{target}", crate::origin::https(host, public_port));
        let request = WorkerRequest {
            method: req.method.clone(),
            url,
            headers: req.headers.clone(),
            body,
        };
        match self.pool.dispatch(key, request).await {
            Ok(response) => respond::worker(session, ctx, response, &key.bindings).await,
            Err(error) => {
                let failure = failure_of(&error);
                let error = error.to_string();
                let error = key.bindings.redact(&error);
                tracing::warn!(request_id = %ctx.request_id(), site = %key.site, version = %key.version, ?failure, "worker failed: {error}");
                respond::fail(session, ctx, failure).await
            }
        }
    }
}

/// What went wrong in a failed worker: its own error, a broken limit, or a version that
/// could not be loaded.
fn failure_of(error: &RuntimeError) -> Failure {
    match error {
        RuntimeError::Exception(_) => Failure::WorkerError,
        RuntimeError::CpuBudget { .. } | RuntimeError::Memory { .. } => Failure::WorkerLimit,
        RuntimeError::Module { .. } | RuntimeError::Directory { .. } | RuntimeError::Engine(_) => {
            Failure::BackendUnavailable
        }
    }
}

/// The whole request body, or `None` once it passes `limit`.
async fn read_body(session: &mut Session, limit: u64) -> Result<Option<Bytes>> {
    let mut body = BytesMut::new();
    while let Some(chunk) = session.read_request_body().await? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body.freeze()))
}
