//! Worker sites: an allowed request is answered from the version's static assets first, or
//! only by them, or only by the worker, as the project's `run_worker_first` routes its path
//! (`static_routing`); for the worker it is read whole (within the site's body
//! limit), handed to the runtime in process with the site's public `https://` URL, and the
//! worker's response is written back — whole, or streamed as the worker produces it — with its
//! `Set-Cookie` headers filtered as an upstream's are. Failures become pages carrying the
//! request id; what the worker threw goes to the log only.

pub mod migrations;
pub mod project;
pub mod static_routing;
pub mod versions;

use bytes::{Bytes, BytesMut};
use pingora_error::Result;
use pingora_http::ResponseHeader;
use pingora_proxy::Session;
use runtime::bindings::assets::AssetResponse;
use runtime::{Pool, RuntimeError, WorkerBody, WorkerRequest, WorkerResponse};

use crate::config::WorkersConfig;
use crate::outcome::{Failure, Outcome};
use crate::request::RequestCtx;
use crate::respond;
use crate::{headers, upstream, GatewayError};
use static_routing::Route;
use versions::SiteVersion;

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
                    Some(asset) => return write_asset(session, ctx, asset).await,
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
        let url = match public_port {
            443 => format!("https://{host}{target}"),
            port => format!("https://{host}:{port}{target}"),
        };
        let request = WorkerRequest {
            method: req.method.clone(),
            url,
            headers: req.headers.clone(),
            body,
        };
        match self.pool.dispatch(key, request).await {
            Ok(response) => write(session, ctx, response, &key.bindings).await,
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

/// The head of a response the site's project made, a static asset's (`_headers` rules are the
/// project's) or the worker's: its headers, less the `Set-Cookie` values that name the
/// gateway's cookies or a wider `Domain` than the site's host (docs/security.md line 5), and
/// the request id.
fn site_header(ctx: &RequestCtx, status: u16, fields: &http::HeaderMap) -> Result<ResponseHeader> {
    let mut header = ResponseHeader::build(status, Some(fields.len() + 3))?;
    for (name, value) in fields.iter() {
        header.append_header(name.clone(), value.clone())?;
    }
    let host = ctx.host().unwrap_or_default();
    let dropped = headers::filter_set_cookies(&mut header, host)?;
    if dropped > 0 {
        tracing::warn!(request_id = %ctx.request_id(), dropped, "refused a site's Set-Cookie naming the gateway's cookies or a wider Domain");
    }
    header.insert_header(crate::request_id::HEADER, ctx.request_id())?;
    Ok(header)
}

/// Writes a static asset's response.
async fn write_asset(
    session: &mut Session,
    ctx: &mut RequestCtx,
    asset: AssetResponse,
) -> Result<bool> {
    ctx.handled(Outcome::Asset);
    let mut header = site_header(ctx, asset.status.as_u16(), &asset.headers)?;
    if !matches!(asset.status.as_u16(), 204 | 304) && header.headers.get("content-length").is_none()
    {
        header.insert_header("content-length", asset.body.len().to_string())?;
    }
    let head_only = session.req_header().method == http::Method::HEAD || asset.body.is_empty();
    session
        .write_response_header(Box::new(header), head_only)
        .await?;
    if !head_only {
        session.write_response_body(Some(asset.body), true).await?;
    }
    Ok(true)
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

/// Writes the worker's response: its headers (cookies filtered, the refreshed session cookie
/// and the request id added), then its body. An error is logged with `bindings`' secrets
/// redacted.
async fn write(
    session: &mut Session,
    ctx: &mut RequestCtx,
    response: WorkerResponse,
    bindings: &runtime::Bindings,
) -> Result<bool> {
    ctx.handled(Outcome::Worker);
    let mut header = site_header(ctx, response.status, &response.headers)?;
    if let Some(cookie) = ctx.take_refreshed_cookie() {
        header.append_header("set-cookie", cookie)?;
    }
    let head_only = session.req_header().method == http::Method::HEAD;
    match response.body {
        WorkerBody::Full(body) => {
            // RFC 9110: no Content-Length on a 204, and a 304's would describe the 200.
            if !matches!(response.status, 204 | 304) {
                header.insert_header("content-length", body.len().to_string())?;
            }
            session
                .write_response_header(Box::new(header), head_only)
                .await?;
            if !head_only {
                session.write_response_body(Some(body), true).await?;
            }
        }
        WorkerBody::Stream(mut chunks) => {
            if header.headers.get(http::header::CONTENT_LENGTH).is_none() {
                header.insert_header("transfer-encoding", "chunked")?;
            }
            session
                .write_response_header(Box::new(header), head_only)
                .await?;
            if head_only {
                return Ok(true);
            }
            while let Some(chunk) = chunks.recv().await {
                match chunk {
                    Ok(bytes) => session.write_response_body(Some(bytes), false).await?,
                    Err(error) => {
                        let error = error.to_string();
                        let error = bindings.redact(&error);
                        tracing::warn!(request_id = %ctx.request_id(), "worker failed mid-stream: {error}");
                        ctx.handled(Outcome::WorkerFailedMidStream);
                        return pingora_error::Error::e_explain(
                            pingora_error::ErrorType::InternalError,
                            "the worker failed while streaming its response",
                        );
                    }
                }
            }
            session.write_response_body(None, true).await?;
        }
    }
    Ok(true)
}
