//! TLS for the site listener: the certificate set for a snapshot (files first, then the
//! development CA for hosts no file covers), and the pingora settings that use `certs`'
//! SNI resolver and record each connection's SNI for routing.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use certs::{CertSet, DevCa, LoadedCert, SniResolver};
use pingora_core::listeners::tls::TlsSettings;
use pingora_core::listeners::TlsAccept;
use pingora_core::protocols::tls::TlsRef;

use crate::config::Config;
use crate::GatewayError;

/// The SNI a client sent, attached to the connection's TLS digest.
#[derive(Debug)]
pub struct Sni(pub String);

/// Records the SNI of each handshake so `request_filter` can compare it with the Host.
pub struct SniRecorder;

#[async_trait]
impl TlsAccept for SniRecorder {
    async fn handshake_complete_callback(
        &self,
        tls: &TlsRef,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        tls.server_name()
            .map(|name| Arc::new(Sni(name.to_ascii_lowercase())) as Arc<dyn Any + Send + Sync>)
    }
}

/// Pingora settings for the HTTPS listener: TLS 1.2/1.3, HTTP/2 and HTTP/1.1 by ALPN, and
/// certificates chosen per handshake by `resolver`.
pub fn listener_settings(resolver: Arc<SniResolver>) -> Result<TlsSettings, GatewayError> {
    let mut settings = TlsSettings::with_callbacks(Box::new(SniRecorder))
        .map_err(|e| GatewayError::Listener(format!("TLS settings: {e}")))?;
    settings.set_cert_resolver(resolver);
    settings.enable_h2();
    Ok(settings)
}

/// The certificates for a snapshot: the configured files, plus (with `dev_ca`) one leaf from
/// the development CA covering every site hostname that no file covers, and a wildcard for
/// each such host's parent, so a mistyped sibling name gets a clear 404 rather than a TLS error.
pub fn cert_set<'a>(
    config: &Config,
    files: Vec<LoadedCert>,
    hostnames: impl Iterator<Item = &'a str>,
    dev_ca: Option<&DevCa>,
) -> Result<CertSet, GatewayError> {
    let from_files = CertSet::new(files.clone(), config.tls.default);
    let Some(ca) = dev_ca else {
        return Ok(from_files);
    };
    let mut uncovered: Vec<String> = hostnames
        .filter(|h| !from_files.covers(h))
        .flat_map(|h| [Some(h.to_string()), sibling_wildcard(h)])
        .flatten()
        .collect();
    uncovered.sort();
    uncovered.dedup();
    if uncovered.is_empty() {
        return Ok(from_files);
    }
    let leaf = ca.issue(&uncovered).map_err(GatewayError::Cert)?;
    let mut all = files;
    let default = config
        .tls
        .default
        .or(if all.is_empty() { Some(0) } else { None });
    all.push(leaf);
    Ok(CertSet::new(all, default))
}

/// `*.acme.example.com` for `crm.acme.example.com`; none for names of fewer than three labels.
fn sibling_wildcard(host: &str) -> Option<String> {
    let (_, parent) = host.split_once('.')?;
    parent.contains('.').then(|| format!("*.{parent}"))
}
