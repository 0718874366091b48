//! Cookies, in one place: reading the gateway's own from a request's `Cookie` headers,
//! writing them as host-only `Set-Cookie` values, and keeping them apart from backends: the
//! gateway's cookies never reach a backend (docs/security.md line 4), and a backend cannot
//! set, overwrite or delete them nor toss a cookie into sibling sites with a wider `Domain`
//! (checklist 5). Set-Cookie values are read the way browsers read them (RFC 6265 §5.2), not
//! the way they should be written.

#[cfg(test)]
mod tests;

use cookie::time::Duration;
use cookie::{Cookie, SameSite};
use http::header::{COOKIE, SET_COOKIE};
use pingora_error::Result;
use pingora_http::{RequestHeader, ResponseHeader};

/// All `Cookie` headers of the request, joined as one.
pub fn joined(req: &RequestHeader) -> String {
    let values: Vec<&str> = req
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    values.join("; ")
}

/// The value of cookie `name` in a `Cookie` header.
pub fn get<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A host-only `Set-Cookie` value: `Path=/; Max-Age; Secure; HttpOnly; SameSite=Lax`, no
/// `Domain` (required by the `__Host-` prefix, and what keeps sibling sites out).
pub fn set_cookie(name: &str, value: &str, max_age: u64) -> String {
    Cookie::build((name, value))
        .path("/")
        .max_age(Duration::seconds(
            i64::try_from(max_age).unwrap_or(i64::MAX),
        ))
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .to_string()
}

/// A `Set-Cookie` value that deletes `name` (logout).
pub fn clear_cookie(name: &str) -> String {
    set_cookie(name, "", 0)
}

/// Why a backend's `Set-Cookie` was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// It names one of the gateway's cookies (set, overwrite or delete).
    GatewayName,
    /// Its `Domain` is not exactly the site's own host.
    ForeignDomain,
    /// It is not valid UTF-8, so how a browser reads it is not certain.
    Malformed,
}

/// True for the gateway's cookie names: `sitegate*`, optionally behind `__Host-` or
/// `__Secure-`, compared case-insensitively (browsers match prefixes without case too).
fn is_gateway_cookie(name: &str) -> bool {
    let n = name.trim().as_bytes();
    let rest = strip_prefix_ci(n, b"__host-")
        .or_else(|| strip_prefix_ci(n, b"__secure-"))
        .unwrap_or(n);
    strip_prefix_ci(rest, b"sitegate").is_some()
}

fn strip_prefix_ci<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

/// The name a browser gives a `name=value` pair; for a nameless pair (`=v` or `v`) it is
/// what a server would read back as the name when the browser sends it (`v` up to `=`).
fn effective_name(pair: &str) -> &str {
    match pair.split_once('=') {
        Some((name, value)) if name.trim().is_empty() => value.split('=').next().unwrap_or(""),
        Some((name, _)) => name,
        None => pair.split('=').next().unwrap_or(""),
    }
    .trim()
}

/// Whether `pair` (one `;`-separated piece of a `Cookie` header) names one of the gateway's
/// cookies, read either way a server may read it: whole, or split at commas as old
/// (RFC 2965) parsers and some frameworks do (`a=1, __Host-sitegate=x`).
fn names_gateway_cookie(pair: &str) -> bool {
    pair.split(',')
        .any(|piece| is_gateway_cookie(effective_name(piece)))
}

/// Decides whether a backend's `Set-Cookie` value may reach the browser of `site_host`. A
/// value that, split at commas as an intermediary folding `Set-Cookie` headers would, holds
/// a cookie of the gateway's is refused as one.
fn check_set_cookie(value: &[u8], site_host: &str) -> Result<(), Refusal> {
    let text = std::str::from_utf8(value).map_err(|_| Refusal::Malformed)?;
    let folded = text
        .split(',')
        .any(|cookie| is_gateway_cookie(effective_name(cookie.split(';').next().unwrap_or(""))));
    if folded {
        return Err(Refusal::GatewayName);
    }
    let mut parts = text.split(';');
    parts.next();
    for attr in parts {
        let (name, val) = attr.split_once('=').unwrap_or((attr, ""));
        if !name.trim().eq_ignore_ascii_case("domain") {
            continue;
        }
        let domain = val.trim();
        let domain = domain.strip_prefix('.').unwrap_or(domain);
        // An empty Domain is ignored by browsers: the cookie stays host-only.
        if !domain.is_empty() && !domain.eq_ignore_ascii_case(site_host) {
            return Err(Refusal::ForeignDomain);
        }
    }
    Ok(())
}

/// True when a `Cookie` header carries any of the gateway's cookies.
fn has_gateway_cookie(cookie_header: &str) -> bool {
    cookie_header.split(';').any(names_gateway_cookie)
}

/// The `Cookie` header without the gateway's cookies, or `None` when nothing is left. A pair
/// that hides one behind a comma is dropped whole.
fn without_gateway_cookies(cookie_header: &str) -> Option<String> {
    let kept: Vec<&str> = cookie_header
        .split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && !names_gateway_cookie(pair))
        .collect();
    (!kept.is_empty()).then(|| kept.join("; "))
}

/// Removes the gateway's cookies from the `Cookie` header(s) before the backend sees them
/// (line 4); other cookies pass unchanged. A value that is not valid UTF-8 cannot be checked,
/// so it is dropped whole.
pub fn strip_gateway_cookies(req: &mut RequestHeader) -> Result<()> {
    let values: Vec<Option<&str>> = req
        .headers
        .get_all(COOKIE)
        .iter()
        .map(|v| v.to_str().ok())
        .collect();
    let clean = values
        .iter()
        .all(|v| v.is_some_and(|v| !has_gateway_cookie(v)));
    if clean {
        return Ok(());
    }
    let kept: Vec<String> = values
        .into_iter()
        .flatten()
        .filter_map(without_gateway_cookies)
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
        .filter(|v| check_set_cookie(v.as_bytes(), site_host).is_ok())
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
