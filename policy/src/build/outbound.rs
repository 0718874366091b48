//! Validation of a worker site's `[sites.NAME.outbound]` table: destination host patterns and
//! the private networks the site may reach.

use std::net::{IpAddr, Ipv6Addr};

use ipnet::IpNet;

use super::Checker;
use crate::diag::join_key;
use crate::email::parse_hostname;
use crate::file::OutboundFile;
use crate::model::Outbound;
use crate::PolicyError;

/// Parses the table at `key`, reporting every bad entry.
pub(super) fn outbound(ck: &mut Checker<'_>, key: &str, file: &OutboundFile) -> Outbound {
    let hosts = file.hosts.as_ref().map(|list| {
        ck.each_parsed(
            &join_key(key, "hosts"),
            list,
            host_pattern,
            |value, reason| PolicyError::BadOutboundHost { value, reason },
        )
    });
    let private = ck.each_parsed(
        &join_key(key, "private"),
        &file.private,
        network,
        |value, reason| PolicyError::BadNetwork { value, reason },
    );
    Outbound { hosts, private }
}

/// Parses one destination host pattern into its canonical form: a lower-case host name, `*.`
/// and a host name, or an IP address (IPv6 without brackets).
pub(crate) fn host_pattern(raw: &str) -> Result<String, &'static str> {
    let bracketed = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']'));
    if let Some(ip) = bracketed.and_then(|r| r.parse::<Ipv6Addr>().ok()) {
        return Ok(ip.to_string());
    }
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Ok(ip.to_string());
    }
    if raw.contains(['/', ':', '@']) {
        return Err("give the host only, without a scheme, port, path or user info");
    }
    match raw.strip_prefix("*.") {
        Some(rest) if rest.contains('*') => Err("only the first label may be '*'"),
        Some(rest) => parse_hostname(rest).map(|name| format!("*.{name}")),
        None if raw.contains('*') => {
            Err("'*' is accepted only as the whole first label, as in *.example.com")
        }
        None => parse_hostname(raw),
    }
}

/// Parses one private network: an address (a network of that address alone) or a CIDR
/// network whose host bits are zero.
pub(crate) fn network(raw: &str) -> Result<IpNet, String> {
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Ok(IpNet::from(ip));
    }
    let net: IpNet = raw
        .parse()
        .map_err(|_| "it is neither an IP address nor a CIDR network".to_string())?;
    if net.trunc() != net {
        return Err(format!("it has host bits set; write {}", net.trunc()));
    }
    Ok(net)
}
