//! Header surgery on pingora's request and response headers, through pingora's own API (which
//! keeps its case map in step): identity headers the client sent, the gateway's cookies on the
//! way in, and backend `Set-Cookie` values on the way out (SECURITY-CHECKLIST lines 3–5).

use http::header::{COOKIE, SET_COOKIE};
use pingora_error::Result;
use pingora_http::{RequestHeader, ResponseHeader};

use crate::auth::{cookies, identity};

/// Removes every identity header the client sent, in any spelling (line 3).
pub fn strip_identity(req: &mut RequestHeader) {
    for name in identity::identity_header_names(&req.headers) {
        req.remove_header(&name);
    }
}

/// Removes the gateway's cookies from the `Cookie` header(s) before the backend sees them
/// (line 4); other cookies pass unchanged.
pub fn strip_gateway_cookies(req: &mut RequestHeader) -> Result<()> {
    let values: Vec<String> = req
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    if !values.iter().any(|v| cookies::has_gateway_cookie(v)) {
        return Ok(());
    }
    let kept: Vec<String> = values
        .iter()
        .filter_map(|v| cookies::strip_gateway_cookies(v))
        .collect();
    req.remove_header(&COOKIE);
    if !kept.is_empty() {
        req.insert_header(COOKIE, kept.join("; "))?;
    }
    Ok(())
}

/// Drops backend `Set-Cookie` values that name the gateway's cookies or a `Domain` wider than
/// the site's own host (line 5); returns how many were dropped.
pub fn filter_set_cookies(resp: &mut ResponseHeader, site_host: &str) -> Result<usize> {
    let all: Vec<http::HeaderValue> = resp.headers.get_all(SET_COOKIE).iter().cloned().collect();
    let kept: Vec<http::HeaderValue> = all
        .iter()
        .filter(|v| cookies::check_set_cookie(v.as_bytes(), site_host).is_ok())
        .cloned()
        .collect();
    let dropped = all.len() - kept.len();
    if dropped > 0 {
        resp.remove_header(&SET_COOKIE);
        for value in kept {
            resp.append_header(SET_COOKIE, value)?;
        }
    }
    Ok(dropped)
}
