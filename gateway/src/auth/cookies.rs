//! Cookies between browser, gateway and backend: the gateway's own cookies never reach a
//! backend (docs/security.md line 4), and a backend cannot set, overwrite or delete them nor
//! toss a cookie into sibling sites with a wider `Domain` (checklist 5). Set-Cookie values
//! are read the way browsers read them (RFC 6265 §5.2), not the way they should be written.

#[cfg(test)]
mod tests;

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
