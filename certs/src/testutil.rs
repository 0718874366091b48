//! Test fixtures: a throwaway CA that writes leaf certificates to temp dirs, and
//! in-memory rustls handshakes that report which certificate the server sent.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{ring, CryptoProvider};
use rustls::{
    ClientConfig, ClientConnection, ConnectionCommon, DigitallySignedStruct, RootCertStore,
    ServerConfig, ServerConnection, SignatureScheme, SupportedProtocolVersion,
};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::{CertSource, SniResolver};

const DAY: Duration = Duration::from_secs(24 * 3600);

/// A CA made for one test.
pub(crate) struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pub(crate) der: CertificateDer<'static>,
    pub(crate) pem: String,
}

/// A leaf certificate and its key, as PEM.
pub(crate) struct Leaf {
    pub(crate) cert_pem: String,
    pub(crate) key_pem: String,
    pub(crate) der: CertificateDer<'static>,
}

impl TestCa {
    pub(crate) fn new() -> TestCa {
        let key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "certs test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).expect("CA cert");
        TestCa {
            der: cert.der().clone(),
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// Default leaf parameters: the given DNS names, valid from yesterday for 30 days.
    pub(crate) fn params(names: &[&str]) -> CertificateParams {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).expect("leaf params");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let now = SystemTime::now();
        params.not_before = (now - DAY).into();
        params.not_after = (now + 30 * DAY).into();
        params
    }

    pub(crate) fn leaf(&self, names: &[&str]) -> Leaf {
        self.leaf_with(Self::params(names))
    }

    pub(crate) fn leaf_with(&self, params: CertificateParams) -> Leaf {
        let key = KeyPair::generate().expect("leaf key");
        let cert = params.signed_by(&key, &self.issuer).expect("leaf cert");
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().clone(),
        }
    }
}

impl Leaf {
    /// Writes `<stem>.pem` and `<stem>.key` into `dir`.
    pub(crate) fn write(&self, dir: &Path, stem: &str) -> CertSource {
        let src = CertSource {
            cert: dir.join(format!("{stem}.pem")),
            key: dir.join(format!("{stem}.key")),
        };
        std::fs::write(&src.cert, &self.cert_pem).expect("write cert");
        std::fs::write(&src.key, &self.key_pem).expect("write key");
        src
    }
}

/// A server config whose certificates come from `resolver`.
pub(crate) fn server_config(resolver: Arc<SniResolver>) -> Arc<ServerConfig> {
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    Arc::new(config)
}

/// What the test client says about the server name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sni<'a> {
    /// Send this name in the ClientHello.
    Send(&'a str),
    /// Expect this name but send no SNI extension.
    Withhold(&'a str),
}

/// How the test client checks the server's certificate.
pub(crate) enum Verify<'a> {
    /// Full WebPKI verification against these roots for the name connected to.
    WebPki(&'a CertificateDer<'static>),
    /// Accept any certificate (but still check the handshake signature), so a test can
    /// see which certificate a server sends for a name it does not cover.
    AnyCert,
}

/// Runs a handshake in memory and returns the leaf certificate the server sent.
/// `Sni::Send(name)` connects to `name` and sends it; `Sni::Withhold(name)` connects to
/// (and verifies) `name` with SNI turned off, so the server sees no server name.
pub(crate) fn served_cert(
    server: &Arc<ServerConfig>,
    sni: Sni<'_>,
    version: &'static SupportedProtocolVersion,
    verify: Verify<'_>,
) -> Result<CertificateDer<'static>, rustls::Error> {
    let provider = Arc::new(ring::default_provider());
    let builder =
        ClientConfig::builder_with_provider(provider.clone()).with_protocol_versions(&[version])?;
    let mut config = match verify {
        Verify::WebPki(root) => {
            let mut roots = RootCertStore::empty();
            roots.add(root.clone())?;
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Verify::AnyCert => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCert(provider)))
            .with_no_client_auth(),
    };
    let (name, send) = match sni {
        Sni::Send(name) => (name, true),
        Sni::Withhold(name) => (name, false),
    };
    config.enable_sni = send;
    let name = ServerName::try_from(name.to_string())
        .map_err(|e| rustls::Error::General(e.to_string()))?;
    let mut client = ClientConnection::new(Arc::new(config), name)?;
    let mut server_conn = ServerConnection::new(server.clone())?;

    while client.is_handshaking() || server_conn.is_handshaking() {
        let to_server = drain(|buf| client.write_tls(buf))?;
        feed(&to_server, &mut server_conn)?;
        let to_client = drain(|buf| server_conn.write_tls(buf))?;
        feed(&to_client, &mut client)?;
        if to_server.is_empty() && to_client.is_empty() {
            return Err(rustls::Error::General("handshake stalled".into()));
        }
    }
    client
        .peer_certificates()
        .and_then(|certs| certs.first())
        .map(|c| c.clone().into_owned())
        .ok_or(rustls::Error::NoCertificatesPresented)
}

fn drain(
    mut write: impl FnMut(&mut Vec<u8>) -> std::io::Result<usize>,
) -> Result<Vec<u8>, rustls::Error> {
    let mut buf = Vec::new();
    loop {
        match write(&mut buf) {
            Ok(0) => return Ok(buf),
            Ok(_) => continue,
            Err(e) => return Err(rustls::Error::General(e.to_string())),
        }
    }
}

fn feed<D>(mut data: &[u8], conn: &mut ConnectionCommon<D>) -> Result<(), rustls::Error> {
    while !data.is_empty() {
        conn.read_tls(&mut data)
            .map_err(|e| rustls::Error::General(e.to_string()))?;
        conn.process_new_packets()?;
    }
    Ok(())
}

/// Accepts any server certificate but verifies the handshake signatures.
#[derive(Debug)]
struct AnyCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A WebPKI verifier trusting only `root`, as a browser trusting the dev CA would.
pub(crate) fn webpki_verifier(root: &CertificateDer<'static>) -> Arc<WebPkiServerVerifier> {
    let mut roots = RootCertStore::empty();
    roots.add(root.clone()).expect("root");
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::new(ring::default_provider()))
        .build()
        .expect("verifier")
}
