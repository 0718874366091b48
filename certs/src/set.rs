//! Choosing a certificate by SNI: the immutable `CertSet` and the hot-swappable `SniResolver`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use crate::LoadedCert;

#[cfg(test)]
mod tests;

/// An immutable table from hostnames to certificates.
///
/// Selection for a server name: the certificate naming it exactly, else one whose
/// wildcard `*.parent` covers it (one label only: `*.example.com` covers
/// `a.example.com`, not `a.b.example.com` nor `example.com`), else the default. No
/// server name gets the default. Matching ignores ASCII case and one trailing dot. When
/// two certificates name the same host, the earlier one in the list wins.
pub struct CertSet {
    certs: Vec<LoadedCert>,
    exact: HashMap<String, usize>,
    wildcard: HashMap<String, usize>,
    default: Option<usize>,
}

impl CertSet {
    /// Builds the table. `default` is an index into `certs`; `None` makes the first
    /// certificate the default. An index past the end also falls back to the first
    /// certificate (and logs a warning). An empty list gives a set that selects nothing.
    pub fn new(certs: Vec<LoadedCert>, default: Option<usize>) -> CertSet {
        let mut exact = HashMap::new();
        let mut wildcard = HashMap::new();
        for (index, cert) in certs.iter().enumerate() {
            for name in &cert.names {
                let name = crate::load::normalize_name(name);
                let (table, key) = match name.strip_prefix("*.") {
                    Some(parent) if !parent.contains('*') => (&mut wildcard, parent.to_string()),
                    _ if name.contains('*') => {
                        tracing::warn!(
                            name = %name,
                            source = ?cert.source,
                            "ignoring a certificate name with a wildcard that is not a whole first label"
                        );
                        continue;
                    }
                    _ => (&mut exact, name),
                };
                table.entry(key).or_insert(index);
            }
        }
        let default = match default {
            Some(i) if i < certs.len() => Some(i),
            Some(i) => {
                tracing::warn!(
                    index = i,
                    count = certs.len(),
                    "default certificate index out of range; using the first certificate"
                );
                (!certs.is_empty()).then_some(0)
            }
            None => (!certs.is_empty()).then_some(0),
        };
        CertSet {
            certs,
            exact,
            wildcard,
            default,
        }
    }

    /// The certificate to serve for a TLS server name (SNI), or `None` when the set is
    /// empty.
    pub fn select(&self, sni: Option<&str>) -> Option<&Arc<CertifiedKey>> {
        let index = sni.and_then(|name| self.matching(name)).or(self.default)?;
        self.certs.get(index).map(|c| &c.key)
    }

    /// True when a certificate names `host` exactly or by wildcard. The default does not
    /// count: a host that is not covered needs its own certificate (e.g. from the
    /// development CA). `host` must not carry a port.
    pub fn covers(&self, host: &str) -> bool {
        self.matching(host).is_some()
    }

    /// The loaded certificates, in the order given to [`CertSet::new`].
    pub fn certs(&self) -> &[LoadedCert] {
        &self.certs
    }

    /// Index of the certificate that names `host` exactly or by wildcard.
    fn matching(&self, host: &str) -> Option<usize> {
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.is_empty() {
            return None;
        }
        let host: Cow<'_, str> = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(host.to_ascii_lowercase())
        } else {
            Cow::Borrowed(host)
        };
        if let Some(&i) = self.exact.get(host.as_ref()) {
            return Some(i);
        }
        let (label, parent) = host.split_once('.')?;
        if label.is_empty() || parent.is_empty() {
            return None;
        }
        self.wildcard.get(parent).copied()
    }
}

impl fmt::Debug for CertSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertSet")
            .field("certs", &self.certs)
            .field("default", &self.default)
            .finish_non_exhaustive()
    }
}

/// The rustls certificate resolver handed to pingora
/// (`TlsSettings::set_cert_resolver`).
///
/// It holds the current [`CertSet`] behind an `ArcSwap`: [`SniResolver::replace`]
/// installs a new set for the handshakes that follow, while handshakes already past
/// certificate selection keep the certificate they were given.
pub struct SniResolver {
    set: ArcSwap<CertSet>,
}

impl SniResolver {
    /// A resolver serving `set`.
    pub fn new(set: CertSet) -> Arc<Self> {
        Arc::new(SniResolver {
            set: ArcSwap::from_pointee(set),
        })
    }

    /// Serves `set` from the next handshake on.
    pub fn replace(&self, set: CertSet) {
        self.set.store(Arc::new(set));
    }

    /// The set currently served.
    pub fn current(&self) -> Arc<CertSet> {
        self.set.load_full()
    }
}

impl fmt::Debug for SniResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SniResolver")
            .field("set", &*self.set.load())
            .finish()
    }
}

impl ResolvesServerCert for SniResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let set = self.set.load();
        let chosen = set.select(client_hello.server_name()).cloned();
        if chosen.is_none() {
            tracing::debug!(
                sni = client_hello.server_name(),
                "no certificate to serve; the handshake will fail"
            );
        }
        chosen
    }
}
