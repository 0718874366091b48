//! HTTP clients for outbound `fetch`, one per distinct outbound policy: sites with equal
//! policies (all those that set none, for a start) share a client and its connection pool,
//! and a connection opened under one policy never serves a site with another. A client lives
//! while an isolate holds it. Each resolves names with the system resolver and keeps only the
//! addresses its policy allows. An isolate's `SiteOutbound` takes its client when it first
//! sends.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::policy::OutboundPolicy;

/// An isolate's outbound policy and, from its first request on, that policy's client.
#[derive(Default)]
pub(crate) struct SiteOutbound {
    policy: Arc<OutboundPolicy>,
    client: OnceCell<Arc<reqwest::Client>>,
}

impl SiteOutbound {
    /// Sending under `policy`.
    pub(crate) fn new(policy: Arc<OutboundPolicy>) -> SiteOutbound {
        SiteOutbound {
            policy,
            client: OnceCell::new(),
        }
    }

    /// Where the site may send.
    pub(crate) fn policy(&self) -> &OutboundPolicy {
        &self.policy
    }

    /// The policy's client, taken on first use.
    pub(crate) fn client(&self) -> std::result::Result<reqwest::Client, String> {
        if let Some(client) = self.client.get() {
            return Ok((**client).clone());
        }
        let client = client_for(&self.policy)?;
        Ok((**self.client.get_or_init(|| client)).clone())
    }
}

/// The clients in use, by policy.
static CLIENTS: LazyLock<Mutex<HashMap<Arc<OutboundPolicy>, Weak<reqwest::Client>>>> =
    LazyLock::new(Mutex::default);

/// The client for `policy`: the one in use by sites with the same policy, else a new one
/// (connection pooling, TLS verified against the Web PKI roots, timeouts, no redirects, no
/// proxies from the environment, and a resolver that applies the policy).
pub(crate) fn client_for(policy: &Arc<OutboundPolicy>) -> Result<Arc<reqwest::Client>, String> {
    let mut clients = CLIENTS
        .lock()
        .map_err(|_| "Fetch failed: the HTTP client is unavailable.".to_string())?;
    if let Some(client) = clients.get(policy).and_then(Weak::upgrade) {
        return Ok(client);
    }
    clients.retain(|_, client| client.strong_count() > 0);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(100))
        .pool_idle_timeout(Duration::from_secs(30))
        .dns_resolver(Arc::new(CheckedResolver(policy.clone())))
        .build()
        .map_err(|e| {
            tracing::error!(error = %e, "the outbound HTTP client does not start");
            "Fetch failed: the HTTP client is unavailable.".to_string()
        })?;
    let client = Arc::new(client);
    clients.insert(policy.clone(), Arc::downgrade(&client));
    Ok(client)
}

/// A name that resolves only to addresses the policy refuses.
#[derive(Debug)]
pub(crate) struct ResolvesPrivate {
    /// The name as requested.
    pub(crate) host: String,
}

impl std::fmt::Display for ResolvesPrivate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves to a private address, which this site's outbound policy does not allow",
            self.host
        )
    }
}

impl std::error::Error for ResolvesPrivate {}

/// Resolves names with the system resolver, keeping only addresses the policy allows.
struct CheckedResolver(Arc<OutboundPolicy>);

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let (allowed, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = found
                .into_iter()
                .partition(|a| policy.allows_address(a.ip()));
            if !refused.is_empty() {
                tracing::debug!(host, refused = ?refused, allowed = ?allowed, "outbound fetch: private addresses left out");
            }
            if allowed.is_empty() && !refused.is_empty() {
                return Err(Box::new(ResolvesPrivate { host }) as _);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}
