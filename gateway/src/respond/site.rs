//! The responses a site's project made, written for it: a static asset's and its worker's
//! (whole, or streamed as the worker produces it), with the site's `Set-Cookie` headers
//! filtered and the request id added. Bodies of known length carry `Content-Length`.

use pingora_error::Result;
use pingora_http::ResponseHeader;
use pingora_proxy::Session;
use runtime::bindings::assets::AssetResponse;
use runtime::{WorkerBody, WorkerResponse};

use crate::cookies;
use crate::outcome::Outcome;
use crate::request::RequestCtx;

/// Makes the head of a response from a site's backend (upstream, worker or static assets)
/// fit to send: drops the `Set-Cookie` values that name the gateway's cookies or a wider
/// `Domain` than the site's host (docs/security.md line 5), and adds the request id.
pub fn backend_head(header: &mut ResponseHeader, ctx: &RequestCtx) -> Result<()> {
    let host = ctx.host().unwrap_or_default();
    let dropped = cookies::filter_set_cookies(header, host)?;
    if dropped > 0 {
        tracing::warn!(request_id = %ctx.request_id(), dropped, "refused a site's Set-Cookie naming the gateway's cookies or a wider Domain");
    }
    header.insert_header(crate::request_id::HEADER, ctx.request_id())
}

/// The head of a response the site's project made, a static asset's (`_headers` rules are the
/// project's) or the worker's, fit to send.
fn site_header(ctx: &RequestCtx, status: u16, fields: &http::HeaderMap) -> Result<ResponseHeader> {
    let mut header = ResponseHeader::build(status, Some(fields.len() + 3))?;
    for (name, value) in fields.iter() {
        header.append_header(name.clone(), value.clone())?;
    }
    backend_head(&mut header, ctx)?;
    Ok(header)
}

/// Writes a static asset's response.
pub async fn asset(
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

/// Writes the worker's response: its headers (cookies filtered, the refreshed session cookie
/// and the request id added), then its body. An error is logged with `bindings`' secrets
/// redacted.
pub async fn worker(
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
