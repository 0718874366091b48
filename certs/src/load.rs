//! Loading a certificate chain and its private key from PEM files, and checking them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::{PemObject, SectionKind};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use x509_parser::extensions::GeneralName;

use crate::CertError;

#[cfg(test)]
mod tests;

/// Where a certificate and its key live on disk.
///
/// The certificate file holds the leaf certificate first, then any intermediates; the key
/// file holds one unencrypted private key (PKCS#8, PKCS#1 RSA or SEC1 EC). Both may be
/// the same file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertSource {
    /// The PEM file with the certificate chain.
    pub cert: PathBuf,
    /// The PEM file with the private key.
    pub key: PathBuf,
}

/// A checked certificate, ready to serve.
///
/// Built by [`load_pair`] or by the development CA, which only return one that holds a chain whose leaf matches its key, that was valid when loaded and that names at
/// least one DNS host.
#[derive(Clone)]
pub struct LoadedCert {
    /// The DNS names from the leaf's subjectAltName, lowercased, without a trailing dot,
    /// wildcards kept as `*.example.com`.
    pub names: Vec<String>,
    /// Start of the leaf's validity period.
    pub not_before: SystemTime,
    /// End of the leaf's validity period.
    pub not_after: SystemTime,
    /// The chain and signing key, as handed to rustls.
    pub key: Arc<CertifiedKey>,
    /// The certificate file it was loaded from; `None` for certificates issued in memory.
    pub source: Option<PathBuf>,
}

impl fmt::Debug for LoadedCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedCert")
            .field("names", &self.names)
            .field("not_after", &rfc3339(unix_secs(self.not_after)))
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl LoadedCert {
    /// True when the certificate expires within `window` from now (or has already expired):
    /// the caller should load or issue a fresh one.
    pub fn expires_within(&self, window: Duration) -> bool {
        match SystemTime::now().checked_add(window) {
            Some(limit) => self.not_after <= limit,
            None => true,
        }
    }

    /// The leaf certificate in DER form.
    pub fn leaf_der(&self) -> Option<&CertificateDer<'static>> {
        self.key.cert.first()
    }

    /// Checks a chain and key that came from `cert_path` / `key_path` (used in messages
    /// only) and builds the certificate to serve.
    pub(crate) fn check(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        cert_path: &Path,
        key_path: &Path,
        now: SystemTime,
    ) -> Result<LoadedCert, CertError> {
        let Some(leaf) = chain.first() else {
            return Err(CertError::NoCertificate {
                path: cert_path.to_path_buf(),
                found: "no CERTIFICATE block".into(),
            });
        };
        let bad_cert = |detail: String| CertError::BadCertificate {
            path: cert_path.to_path_buf(),
            detail,
        };
        let (_, x509) =
            x509_parser::parse_x509_certificate(leaf).map_err(|e| bad_cert(e.to_string()))?;

        let validity = x509.validity();
        let not_before = validity.not_before.timestamp();
        let not_after = validity.not_after.timestamp();
        let now_secs = unix_secs(now);
        if now_secs > not_after {
            return Err(CertError::Expired {
                path: cert_path.to_path_buf(),
                not_after: rfc3339(not_after),
            });
        }
        if now_secs < not_before {
            return Err(CertError::NotYetValid {
                path: cert_path.to_path_buf(),
                not_before: rfc3339(not_before),
            });
        }

        let mut names = Vec::new();
        let san = x509
            .subject_alternative_name()
            .map_err(|e| bad_cert(format!("subjectAltName: {e}")))?;
        if let Some(san) = san {
            for general in &san.value.general_names {
                if let GeneralName::DNSName(name) = general {
                    let name = normalize_name(name);
                    if !name.is_empty() && !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
        }
        if names.is_empty() {
            return Err(CertError::NoDnsName {
                path: cert_path.to_path_buf(),
            });
        }

        let provider = rustls::crypto::ring::default_provider();
        let signing_key =
            provider
                .key_provider
                .load_private_key(key)
                .map_err(|e| CertError::BadKey {
                    path: key_path.to_path_buf(),
                    detail: e.to_string(),
                })?;
        let certified = CertifiedKey::new(chain, signing_key);
        match certified.keys_match() {
            Ok(()) => {}
            Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
                return Err(CertError::KeyMismatch {
                    cert: cert_path.to_path_buf(),
                    key: key_path.to_path_buf(),
                });
            }
            Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
                // Every key type of the ring provider exposes its public key, so this
                // only happens with a provider we do not use; refuse rather than guess.
                return Err(CertError::BadKey {
                    path: key_path.to_path_buf(),
                    detail: "cannot tell whether this key matches the certificate".into(),
                });
            }
            Err(e) => return Err(bad_cert(e.to_string())),
        }

        Ok(LoadedCert {
            names,
            not_before: from_unix_secs(not_before),
            not_after: from_unix_secs(not_after),
            key: Arc::new(certified),
            source: Some(cert_path.to_path_buf()),
        })
    }
}

/// Loads and checks a certificate chain and its private key.
///
/// Errors, each naming the file: unreadable file, malformed PEM, no certificate, no
/// private key, unusable key, key not matching the leaf, leaf expired or not yet valid,
/// leaf without any DNS subjectAltName.
pub fn load_pair(src: &CertSource) -> Result<LoadedCert, CertError> {
    let cert_file = read_pem(&src.cert)?;
    let chain: Vec<CertificateDer<'static>> = cert_file
        .sections
        .iter()
        .filter(|(kind, _)| *kind == SectionKind::Certificate)
        .map(|(_, der)| CertificateDer::from(der.clone()))
        .collect();
    if chain.is_empty() {
        return Err(CertError::NoCertificate {
            path: src.cert.clone(),
            found: describe(&cert_file),
        });
    }

    let key_file = if src.key == src.cert {
        cert_file
    } else {
        read_pem(&src.key)?
    };
    let key = key_file
        .sections
        .iter()
        .find_map(|(kind, der)| PrivateKeyDer::from_pem(*kind, der.clone()));
    let Some(key) = key else {
        return Err(CertError::NoPrivateKey {
            path: src.key.clone(),
            found: describe(&key_file),
        });
    };

    LoadedCert::check(chain, key, &src.cert, &src.key, SystemTime::now())
}

/// A PEM file as read from disk: its raw bytes and its recognised sections.
struct PemFile {
    bytes: Vec<u8>,
    sections: Vec<(SectionKind, Vec<u8>)>,
}

/// Reads every PEM section of a file.
fn read_pem(path: &Path) -> Result<PemFile, CertError> {
    let bytes = std::fs::read(path).map_err(|source| CertError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let sections = <(SectionKind, Vec<u8>)>::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CertError::Pem {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
    Ok(PemFile { bytes, sections })
}

/// Says what a file holds, for "no certificate" / "no private key" messages.
fn describe(file: &PemFile) -> String {
    let text = &file.bytes;
    if contains(text, b"ENCRYPTED PRIVATE KEY") || contains(text, b"Proc-Type: 4,ENCRYPTED") {
        return "the private key is encrypted; decrypt it, e.g. with `openssl pkey`".into();
    }
    if file.sections.is_empty() {
        if text.iter().all(u8::is_ascii_whitespace) {
            return "the file is empty".into();
        }
        if !contains(text, b"-----BEGIN ") {
            return "no PEM blocks; if the file is DER, convert it with `openssl x509 -inform der`"
                .into();
        }
        return "only PEM blocks of kinds Sitegate does not use".into();
    }
    let mut kinds: Vec<&str> = file.sections.iter().map(|(k, _)| kind_label(*k)).collect();
    kinds.dedup();
    format!("found only: {}", kinds.join(", "))
}

fn kind_label(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Certificate => "CERTIFICATE",
        SectionKind::PublicKey => "PUBLIC KEY",
        SectionKind::RsaPrivateKey => "RSA PRIVATE KEY",
        SectionKind::PrivateKey => "PRIVATE KEY",
        SectionKind::EcPrivateKey => "EC PRIVATE KEY",
        SectionKind::Crl => "X509 CRL",
        SectionKind::Csr => "CERTIFICATE REQUEST",
        _ => "another PEM block",
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Lowercases a DNS name and drops one trailing dot.
pub(crate) fn normalize_name(name: &str) -> String {
    let name = name.strip_suffix('.').unwrap_or(name);
    name.to_ascii_lowercase()
}

fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

fn from_unix_secs(secs: i64) -> SystemTime {
    let magnitude = Duration::from_secs(secs.unsigned_abs());
    let t = if secs >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    };
    t.unwrap_or(UNIX_EPOCH)
}

/// Formats seconds since the epoch as RFC 3339, falling back to the raw number.
fn rfc3339(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("{secs} seconds after 1970-01-01"))
}
