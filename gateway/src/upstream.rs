//! Proxying to an upstream URL: choosing the peer (address, TLS with verification, timeouts,
//! pooled keep-alive) and shaping the request it receives (forwarding headers, hop-by-hop
//! headers, `Host`).

use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use bytes::Bytes;
use dashmap::DashMap;

use pingora_core::upstreams::peer::HttpPeer;
use pingora_error::{Error, ErrorType, Result};
use pingora_http::RequestHeader;
use policy::Upstream;

use crate::config::Limits;

/// The peer for one request to `upstream`. Hostnames are resolved without blocking.
pub async fn peer(upstream: &Upstream, limits: &Limits) -> Result<Box<HttpPeer>> {
    let addr = resolve(upstream).await?;
    let mut peer = HttpPeer::new(addr, upstream.tls, upstream.host.clone());
    let options = &mut peer.options;
    options.connection_timeout = Some(limits.upstream_connect_timeout);
    options.total_connection_timeout = Some(limits.upstream_connect_timeout);
    options.read_timeout = Some(limits.upstream_read_timeout);
    options.write_timeout = Some(limits.upstream_read_timeout);
    options.idle_timeout = Some(std::time::Duration::from_secs(60));
    options.verify_cert = true;
    options.verify_hostname = true;
    Ok(Box::new(peer))
}

/// How long a resolved upstream address is reused before it is looked up again.
const DNS_TTL: Duration = Duration::from_secs(30);

/// Resolved upstream addresses by (host, port), so a hostname upstream costs one lookup per
/// `DNS_TTL` rather than one per request.
static RESOLVED: LazyLock<DashMap<(String, u16), (Instant, SocketAddr)>> =
    LazyLock::new(DashMap::new);

async fn resolve(upstream: &Upstream) -> Result<SocketAddr> {
    let host = upstream.host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, upstream.port));
    }
    let key = (host.to_string(), upstream.port);
    if let Some(hit) = RESOLVED.get(&key).filter(|e| e.0.elapsed() < DNS_TTL) {
        return Ok(hit.1);
    }
    let mut addrs = tokio::net::lookup_host((host, upstream.port))
        .await
        .map_err(|e| Error::explain(ErrorType::ConnectNoRoute, format!("resolving {host}: {e}")))?;
    let addr = addrs.next().ok_or_else(|| {
        Error::explain(ErrorType::ConnectNoRoute, format!("{host} has no address"))
    })?;
    RESOLVED.insert(key, (Instant::now(), addr));
    Ok(addr)
}

/// Who the client is, as the upstream should learn it.
pub struct Forwarding<'a> {
    /// The client's address (the TCP peer).
    pub client_ip: Option<IpAddr>,
    /// Whether the TCP peer is a configured trusted proxy, whose forwarding headers are kept.
    pub peer_trusted: bool,
    /// The scheme the client used (`https`, or `http` behind a TLS-terminating balancer).
    pub proto: &'a str,
    /// The hostname the client asked for.
    pub host: &'a str,
    /// The request id.
    pub request_id: &'a str,
}

/// Headers that describe one hop and never travel past it (RFC 9110 §7.6.1).
const HOP_BY_HOP: [&str; 7] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
];
/// Rewrites the request for the upstream: `shape_forwarded` (keeping a WebSocket upgrade),
/// and `Host` set to the upstream's authority.
pub fn shape_request(req: &mut RequestHeader, upstream: &Upstream, fwd: &Forwarding) -> Result<()> {
    let websocket = is_websocket_upgrade(req);
    shape_forwarded(req, fwd, websocket)?;
    req.insert_header(http::header::HOST, authority(upstream))?;
    Ok(())
}

/// Removes hop-by-hop headers (but a WebSocket upgrade's when `websocket`) and the forwarding
/// and override headers the client may not send (`headers::strip_claims`), and sets
/// `X-Forwarded-For/-Proto/-Host` (client-sent values only kept from trusted proxies) and
/// `X-Request-Id`. This is also what a worker is given; for an upstream, pingora then strips
/// hop-by-hop headers again.
pub fn shape_forwarded(req: &mut RequestHeader, fwd: &Forwarding, websocket: bool) -> Result<()> {
    let listed: Vec<String> = req
        .headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    for name in listed.iter().map(String::as_str).chain(HOP_BY_HOP) {
        if websocket && (name == "upgrade" || name == "connection") {
            continue;
        }
        req.remove_header(name);
    }

    let prior_for = fwd
        .peer_trusted
        .then(|| header_value(req, "x-forwarded-for"))
        .flatten();
    let prior_proto = fwd
        .peer_trusted
        .then(|| header_value(req, "x-forwarded-proto"))
        .flatten();
    let prior_host = fwd
        .peer_trusted
        .then(|| header_value(req, "x-forwarded-host"))
        .flatten();
    crate::headers::strip_claims(req, fwd.peer_trusted);
    if let Some(ip) = fwd.client_ip {
        let value = match prior_for {
            Some(prior) => format!("{prior}, {ip}"),
            None => ip.to_string(),
        };
        req.insert_header("x-forwarded-for", value)?;
    }
    req.insert_header(
        "x-forwarded-proto",
        prior_proto.unwrap_or_else(|| fwd.proto.to_string()),
    )?;
    req.insert_header(
        "x-forwarded-host",
        prior_host.unwrap_or_else(|| fwd.host.to_string()),
    )?;
    req.insert_header(crate::request_id::HEADER, fwd.request_id)?;
    Ok(())
}

fn header_value(req: &RequestHeader, name: &str) -> Option<String> {
    let values: Vec<&str> = req
        .headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Keeps a request body ending exactly once upstream (docs/security.md line 35): an empty last
/// piece (HTTP/2's empty DATA frame with END_STREAM) is dropped, since pingora 0.9.1 would
/// write it as a zero-size chunk — the chunked terminator — and then write the terminator
/// again when the body ends, leaving a stray one that a pooled upstream connection reads
/// as the start of another request.
pub fn end_body_once(body: &mut Option<Bytes>, end_of_stream: bool) {
    if end_of_stream && body.as_ref().is_some_and(Bytes::is_empty) {
        *body = None;
    }
}

/// `Connection: upgrade` with `Upgrade: websocket`.
fn is_websocket_upgrade(req: &RequestHeader) -> bool {
    let has_token = |name: http::header::HeaderName, token: &str| {
        req.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    has_token(http::header::CONNECTION, "upgrade") && has_token(http::header::UPGRADE, "websocket")
}

/// `host[:port]`, the port omitted when it is the scheme's default.
fn authority(upstream: &Upstream) -> String {
    let default_port = if upstream.tls { 443 } else { 80 };
    if upstream.port == default_port {
        upstream.host.clone()
    } else {
        format!("{}:{}", upstream.host, upstream.port)
    }
}

#[cfg(test)]
mod tests;
