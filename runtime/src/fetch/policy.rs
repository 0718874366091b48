//! Which destinations a worker's `fetch` may reach: public addresses always, private ones
//! (loopback, RFC 1918, link-local, unique-local, CGNAT, unspecified, multicast) only inside
//! networks the operator listed. Checked on every address a name resolves to, at connect time,
//! so a name that resolves to a private address (DNS rebinding) is refused too.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock, RwLock};

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The outbound policy of the process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Private networks workers may reach anyway (e.g. an internal API's `10.1.2.0/24`).
    pub private_allowed: Vec<IpNet>,
}

static POLICY: LazyLock<RwLock<Arc<OutboundPolicy>>> = LazyLock::new(RwLock::default);

/// Sets the policy for every later outbound request.
pub fn set_outbound_policy(policy: OutboundPolicy) {
    if let Ok(mut current) = POLICY.write() {
        *current = Arc::new(policy);
    }
}

fn current() -> Arc<OutboundPolicy> {
    POLICY.read().map(|p| p.clone()).unwrap_or_default()
}

/// Whether `ip` is outside the public internet.
fn is_private(ip: IpAddr) -> bool {
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

/// Whether a worker may connect to `ip`.
pub(crate) fn allows(ip: IpAddr) -> bool {
    !is_private(ip)
        || current()
            .private_allowed
            .iter()
            .any(|net| net.contains(&ip))
}

/// Resolves names with the system resolver, keeping only addresses the policy allows.
pub(crate) struct CheckedResolver;

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                found.iter().copied().filter(|a| allows(a.ip())).collect();
            if allowed.is_empty() && !found.is_empty() {
                return Err(format!(
                    "{host} resolves to a private address, which workers may not reach"
                )
                .into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_private;

    #[test]
    fn private_and_special_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip} is private");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip} is public");
        }
    }
}
