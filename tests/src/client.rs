//! Clients for the tests: a reqwest client that trusts the gateway's dev CA and sends every
//! hostname to the gateway, and a raw TLS exchange for cases reqwest cannot express (an SNI
//! that differs from the Host header, no SNI at all).

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Resolves every name to the gateway's HTTPS port on 127.0.0.1.
struct ToGateway(u16);

impl Resolve for ToGateway {
    fn resolve(&self, _name: Name) -> Resolving {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.0));
        Box::pin(async move { Ok(Box::new(std::iter::once(addr)) as Addrs) })
    }
}

/// An HTTPS client for one gateway.
#[derive(Clone)]
pub struct Client {
    /// The reqwest client (HTTP/1.1 or HTTP/2 by ALPN, redirects not followed).
    pub http: reqwest::Client,
    /// The gateway's HTTPS port.
    pub port: u16,
}

impl Client {
    /// Trusts `ca_pem` and connects every hostname to 127.0.0.1:`port`.
    pub fn new(ca_pem: &str, port: u16) -> Client {
        Client {
            http: Self::builder(ca_pem, port).build().expect("client"),
            port,
        }
    }

    /// The builder, for tests that need other settings (HTTP/2 only, timeouts).
    pub fn builder(ca_pem: &str, port: u16) -> reqwest::ClientBuilder {
        let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA PEM");
        reqwest::Client::builder()
            .use_rustls_tls()
            .add_root_certificate(ca)
            .tls_built_in_root_certs(false)
            .dns_resolver(Arc::new(ToGateway(port)))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(60))
    }

    /// `https://<host>:<port><path>`
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}{path}", self.port)
    }

    /// GET a path on a host.
    pub async fn get(&self, host: &str, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(host, path))
            .send()
            .await
            .expect("request")
    }
}

/// A rustls client config trusting `ca_pem`; with `sni` off, no SNI is sent.
pub fn tls_config(ca_pem: &str, sni: bool) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile_certs(ca_pem) {
        roots.add(cert).expect("add root");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.enable_sni = sni;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

fn rustls_pemfile_certs(pem: &str) -> Vec<CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .filter_map(Result::ok)
        .collect()
}

/// Opens TLS to 127.0.0.1:`port` with `sni` (verifying the certificate for `verify_name`),
/// sends `request` as is, and returns the peer's certificate and the whole response text.
pub async fn raw_https_request(
    ca_pem: &str,
    port: u16,
    sni: Option<&str>,
    verify_name: &str,
    request: &str,
) -> std::io::Result<(Vec<u8>, String)> {
    let config = tls_config(ca_pem, sni.is_some());
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = ServerName::try_from(sni.unwrap_or(verify_name).to_string())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let mut tls = connector.connect(name, tcp).await?;
    let cert = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec())
        .unwrap_or_default();
    tls.write_all(request.as_bytes()).await?;
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out).await;
    Ok((cert, String::from_utf8_lossy(&out).into_owned()))
}
