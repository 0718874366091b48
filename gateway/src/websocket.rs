//! Cross-site WebSocket hijacking: a browser sends a site's cookies with a WebSocket upgrade
//! whatever page opened it (`SameSite=Lax` lets sibling sites under one parent domain in), so
//! an upgrade whose `Origin` is neither one of the site's own origins nor one it lists in
//! `websocket_origins` is refused (docs/security.md line 34). Clients that send no `Origin`
//! are not browsers and carry no one else's cookies.

use pingora_http::RequestHeader;
use policy::Site;

use crate::outcome::Failure;
use crate::request::RequestCtx;
use crate::respond::Answer;

/// Refuses (403) a WebSocket upgrade from a page the site does not trust, and logs it.
pub fn check_origin(
    req: &RequestHeader,
    site: &Site,
    ctx: &RequestCtx,
    port: u16,
) -> Result<(), Answer> {
    let host = ctx.host().unwrap_or_default();
    if !is_cross_origin_upgrade(req, site, host, port) {
        return Ok(());
    }
    tracing::warn!(
        request_id = %ctx.request_id(),
        site = site.id(),
        origin = ?req.headers.get(http::header::ORIGIN),
        "refused a WebSocket upgrade from another origin"
    );
    Err(Answer::Fail(Failure::CrossOriginWebSocket))
}

/// Whether the request is a WebSocket upgrade from a page the site does not trust: its
/// `Origin` is not `https://<one of the site's hosts or the request's host>[:port]` (the
/// public port) and not listed by the site.
fn is_cross_origin_upgrade(req: &RequestHeader, site: &Site, host: &str, port: u16) -> bool {
    if !asks_for_websocket(req) {
        return false;
    }
    let Some(origin) = req.headers.get(http::header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let origin = origin.trim().to_ascii_lowercase();
    let own = site
        .hosts
        .iter()
        .map(String::as_str)
        .chain([host])
        .any(|h| crate::origin::https(h, port) == origin);
    !own && !site.websocket_origins.contains(&origin)
}

/// `Upgrade: websocket`, with or without `Connection: upgrade` (a backend may not insist on
/// the latter, so the check must not either).
fn asks_for_websocket(req: &RequestHeader) -> bool {
    req.headers
        .get_all(http::header::UPGRADE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case("websocket"))
}
