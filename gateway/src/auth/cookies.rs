//! Cookies between browser, gateway and backend: the gateway's own cookies never reach a
//! backend (SECURITY-CHECKLIST 4), and a backend cannot set, overwrite or delete them nor
//! toss a cookie into sibling sites with a wider `Domain` (checklist 5). Set-Cookie values
//! are read the way browsers read them (RFC 6265 §5.2), not the way they should be written.

#[cfg(test)]
mod tests;

use http::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};

/// Why a backend's `Set-Cookie` was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// It names one of the gateway's cookies (set, overwrite or delete).
    GatewayName,
    /// Its `Domain` is not exactly the site's own host.
    ForeignDomain,
    /// It is not valid UTF-8, so how a browser reads it is not certain.
    Malformed,
}

/// True for the gateway's cookie names: `sitegate*`, optionally behind `__Host-` or
/// `__Secure-`, compared case-insensitively (browsers match prefixes without case too).
pub fn is_gateway_cookie(name: &str) -> bool {
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

/// Decides whether a backend's `Set-Cookie` value may reach the browser of `site_host`.
pub fn check_set_cookie(value: &[u8], site_host: &str) -> Result<(), Refusal> {
    let text = std::str::from_utf8(value).map_err(|_| Refusal::Malformed)?;
    let mut parts = text.split(';');
    let pair = parts.next().unwrap_or("");
    if is_gateway_cookie(effective_name(pair)) {
        return Err(Refusal::GatewayName);
    }
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

/// Removes the `Set-Cookie` values that `check_set_cookie` refuses; returns how many.
pub fn filter_set_cookies(headers: &mut HeaderMap, site_host: &str) -> usize {
    let all: Vec<HeaderValue> = headers.get_all(SET_COOKIE).iter().cloned().collect();
    let kept: Vec<HeaderValue> = all
        .iter()
        .filter(|v| check_set_cookie(v.as_bytes(), site_host).is_ok())
        .cloned()
        .collect();
    let refused = all.len() - kept.len();
    if refused > 0 {
        headers.remove(SET_COOKIE);
        for v in kept {
            headers.append(SET_COOKIE, v);
        }
    }
    refused
}

/// True when a `Cookie` header carries any of the gateway's cookies.
pub fn has_gateway_cookie(cookie_header: &str) -> bool {
    cookie_header
        .split(';')
        .any(|pair| is_gateway_cookie(effective_name(pair)))
}

/// The `Cookie` header without the gateway's cookies, or `None` when nothing is left.
pub fn strip_gateway_cookies(cookie_header: &str) -> Option<String> {
    let kept: Vec<&str> = cookie_header
        .split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && !is_gateway_cookie(effective_name(pair)))
        .collect();
    (!kept.is_empty()).then(|| kept.join("; "))
}

/// Strips the gateway's cookies from every `Cookie` header (HTTP/2 may send several),
/// leaving one joined header or none. Values that are not UTF-8 are dropped whole when
/// they might hide a gateway cookie. Returns true when anything changed.
pub fn strip_gateway_cookies_in(headers: &mut HeaderMap) -> bool {
    let needs = headers
        .get_all(COOKIE)
        .iter()
        .any(|v| v.to_str().map_or(true, has_gateway_cookie));
    if !needs {
        return false;
    }
    let kept: Vec<String> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(strip_gateway_cookies)
        .collect();
    headers.remove(COOKIE);
    if !kept.is_empty() {
        if let Ok(v) = HeaderValue::try_from(kept.join("; ")) {
            headers.insert(COOKIE, v);
        }
    }
    true
}

/// Values of the cookie named exactly `name` across all `Cookie` headers, in order.
pub fn cookie_values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(move |pair| {
            let (n, v) = pair.split_once('=')?;
            (n.trim() == name).then(|| v.trim())
        })
}
