//! Which destinations a site's `fetch` may reach: hosts matching the site's patterns (any host
//! when it sets none), at public addresses, or at private ones (loopback, RFC 1918,
//! link-local, unique-local, CGNAT, unspecified, multicast) inside networks the site lists.
//! Hosts are checked before every request (so on every redirect hop); addresses when a literal
//! IP is requested and, by the client's resolver, on every address a name resolves to, at
//! connect time, so a name that resolves to a private address (DNS rebinding) is refused too.

use std::net::IpAddr;

use ipnet::IpNet;

/// The outbound policy of one site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OutboundPolicy {
    hosts: Option<Vec<String>>,
    private: Vec<IpNet>,
}

/// Why a destination is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The host matches none of the site's patterns.
    Host(String),
    /// A literal address that is private and outside the site's networks.
    Address(IpAddr),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Host(host) => write!(
                f,
                "host {host} is not allowed by this site's outbound policy"
            ),
            Refusal::Address(ip) => write!(
                f,
                "private address {ip} is not allowed by this site's outbound policy"
            ),
        }
    }
}

impl OutboundPolicy {
    /// A policy that allows the hosts matching `hosts` (any host when `None`) and, besides
    /// public addresses, the private networks `private`. A pattern is a host name, `*.` and a
    /// host name (matching one or more labels in front of it, not the name itself), or an IP
    /// address; case, IPv6 brackets and a final `.` do not matter.
    pub fn new(hosts: Option<Vec<String>>, private: Vec<IpNet>) -> OutboundPolicy {
        let hosts = hosts.map(|list| list.iter().map(|p| canonical_host(p)).collect());
        OutboundPolicy { hosts, private }
    }

    /// Whether a request to `url`'s host may be sent (its resolved addresses are checked when
    /// connecting).
    pub(crate) fn check(&self, url: &url::Url) -> Result<(), Refusal> {
        let (name, literal) = match url.host() {
            Some(url::Host::Domain(d)) => (canonical_host(d), None),
            Some(url::Host::Ipv4(ip)) => (ip.to_string(), Some(IpAddr::V4(ip))),
            Some(url::Host::Ipv6(ip)) => (ip.to_string(), Some(IpAddr::V6(ip))),
            None => return Err(Refusal::Host(String::new())),
        };
        if !self.allows_host(&name) {
            return Err(Refusal::Host(name));
        }
        match literal {
            Some(ip) if !self.allows_address(ip) => Err(Refusal::Address(ip)),
            _ => Ok(()),
        }
    }

    /// Whether `host` (canonical) matches the site's patterns.
    fn allows_host(&self, host: &str) -> bool {
        let Some(patterns) = &self.hosts else {
            return true;
        };
        patterns
            .iter()
            .any(|pattern| match pattern.strip_prefix("*.") {
                Some(tail) => host
                    .strip_suffix(tail)
                    .and_then(|front| front.strip_suffix('.'))
                    .is_some_and(|front| !front.is_empty()),
                None => pattern == host,
            })
    }

    /// Whether the site may connect to `ip`.
    pub(crate) fn allows_address(&self, ip: IpAddr) -> bool {
        !is_private(ip) || self.private.iter().any(|net| net.contains(&ip))
    }
}

/// A host or pattern in the form URLs are compared in: lower case, without IPv6 brackets or a
/// final `.`, IP addresses as `IpAddr` prints them.
fn canonical_host(raw: &str) -> String {
    let bare = raw
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(raw);
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => bare.trim_end_matches('.').to_ascii_lowercase(),
    }
}

/// Whether `ip` is outside the public internet.
pub(crate) fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0)
                || a >= 240
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_private(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80
            }
        },
    }
}
