//! What a request must pass before it is judged: its header block under the gateway's limit,
//! the gateway's own credential taken off it and the identity headers the client sent
//! removed; and, once routed to a site, a declared body under the site's limit and a path
//! that normalizes.

use std::sync::Arc;

use pingora_http::RequestHeader;
use pingora_proxy::Session;
use policy::{NormalizedPath, Site};

use crate::headers;
use crate::outcome::Failure;
use crate::request::RequestCtx;
use crate::respond::Answer;

/// Admits a request the gateway has just begun: refuses an oversized header block, keeps the
/// bearer token it presented, strips identity headers.
pub fn request(session: &mut Session, ctx: &mut RequestCtx) -> Result<(), Answer> {
    let limit = ctx
        .snapshot()
        .map_or(usize::MAX, |s| s.config.limits.max_request_header_bytes);
    if header_bytes(session.req_header()) > limit {
        return Err(Answer::Fail(Failure::HeadersTooLarge));
    }
    ctx.present_bearer(headers::take_bearer(session.req_header_mut()));
    headers::strip_identity(session.req_header_mut())?;
    Ok(())
}

/// Admits a request routed to `site`: its declared body within the site's limit, its path
/// normalized (the one path used for the sign-in endpoints, the rules and the backend).
pub fn to_site(
    session: &Session,
    ctx: &mut RequestCtx,
    site: Arc<Site>,
) -> Result<(Arc<Site>, NormalizedPath), Answer> {
    ctx.route_to(site.clone());
    if declared_length(session.req_header()).is_some_and(|len| len > ctx.body_limit()) {
        return Err(Answer::Fail(Failure::BodyTooLarge));
    }
    let path = policy::normalize_path(session.req_header().uri.path())
        .map_err(|_| Answer::Fail(Failure::BadPath))?;
    Ok((site, path))
}

/// Approximate size of the header block as sent: names, values and separators.
fn header_bytes(req: &RequestHeader) -> usize {
    req.headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

fn declared_length(req: &RequestHeader) -> Option<u64> {
    req.headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}
