//! Which site a request is for: the hostname from `:authority` (HTTP/2) or `Host` (HTTP/1.1),
//! port stripped and lowercased, checked against the TLS SNI of the connection.

use std::sync::Arc;

use pingora_proxy::Session;
use policy::Site;

use crate::outcome::Failure;
use crate::snapshot::Snapshot;

/// The SNI of the connection, recorded at handshake time by [`crate::tls::SniRecorder`].
pub fn sni(session: &Session) -> Option<&str> {
    session
        .digest()?
        .ssl_digest
        .as_ref()?
        .extension
        .get::<crate::tls::Sni>()
        .map(|sni| sni.0.as_str())
}

/// Whether the request arrived over TLS.
pub fn is_tls(session: &Session) -> bool {
    session.digest().is_some_and(|d| d.ssl_digest.is_some())
}

/// The request's hostname, lowercased, without port or trailing dot.
pub fn request_host(session: &Session) -> Option<String> {
    let req = session.req_header();
    let raw = match req.uri.authority() {
        Some(authority) => authority.as_str(),
        None => req.headers.get(http::header::HOST)?.to_str().ok()?,
    };
    normalize_host(raw)
}

/// Strips the port and a trailing dot, lowercases, and refuses anything that is not a hostname
/// or IP literal.
pub fn normalize_host(raw: &str) -> Option<String> {
    let without_port = if let Some(rest) = raw.strip_prefix('[') {
        // IPv6 literal: "[::1]:8443"
        let end = rest.find(']')?;
        &raw[..end + 2]
    } else {
        match raw.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            Some(_) => return None,
            None => raw,
        }
    };
    let host = without_port.strip_suffix('.').unwrap_or(without_port);
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:_".contains(&b));
    valid.then(|| host.to_ascii_lowercase())
}

/// What a request is for, once routed.
pub enum Target {
    /// The sign-in host.
    SignIn,
    /// A site, or a saved preview of one.
    Site(Arc<Site>),
}

/// Routes a request: the Host decides what it is for (unknown: 404; none: 400). A TLS SNI that
/// differs from the Host is a misdirected request (421) when either names the sign-in host, or
/// the SNI names another site than the Host does: one name's TLS identity never carries another
/// name's content or cookies.
pub fn route(
    snapshot: &Snapshot,
    host: Option<&str>,
    sni: Option<&str>,
    signin_host: &str,
) -> Result<Target, Failure> {
    let host = host.ok_or(Failure::NoHost)?;
    let target = if host == signin_host {
        Target::SignIn
    } else if let Some(site) = snapshot.policy.site_for_host(host) {
        Target::Site(site.clone())
    } else {
        Target::Site(preview(snapshot, host).ok_or(Failure::UnknownHost)?)
    };
    let Some(sni) = sni.map(|s| s.strip_suffix('.').unwrap_or(s).to_ascii_lowercase()) else {
        return Ok(target);
    };
    if sni == host {
        return Ok(target);
    }
    let other_site = match named_site(snapshot, &sni) {
        Some(other) => !named_site(snapshot, host).is_some_and(|own| Arc::ptr_eq(&own, &other)),
        None => false,
    };
    match host == signin_host || sni == signin_host || other_site {
        true => Err(Failure::Misdirected),
        false => Ok(target),
    }
}

/// The configured site a hostname names: its own, or the one a preview host `<version>--<site
/// host>` is of.
fn named_site(snapshot: &Snapshot, host: &str) -> Option<Arc<Site>> {
    let policy = &snapshot.policy;
    let host = policy::parse_preview_host(host).map_or(host, |(_, site_host)| site_host);
    policy.site_for_host(host).cloned()
}

/// The preview site a host like `<version>--<site host>` names, if that version is saved.
fn preview(snapshot: &Snapshot, host: &str) -> Option<Arc<Site>> {
    let (version, site_host) = policy::parse_preview_host(host)?;
    let site = snapshot.policy.site_for_host(site_host)?;
    let (preview, _) = snapshot.workers.preview(site.id(), version)?;
    Some(preview.clone())
}

#[cfg(test)]
mod tests {
    use super::normalize_host;

    #[test]
    fn hosts_are_normalized() {
        assert_eq!(
            normalize_host("CRM.Acme.Example.com:8443").as_deref(),
            Some("crm.acme.example.com")
        );
        assert_eq!(
            normalize_host("crm.acme.example.com.").as_deref(),
            Some("crm.acme.example.com")
        );
        assert_eq!(normalize_host("[::1]:8443").as_deref(), Some("[::1]"));
        assert_eq!(normalize_host("a.example.com:port"), None);
        assert_eq!(normalize_host("a b.example.com"), None);
        assert_eq!(normalize_host(""), None);
    }
}
