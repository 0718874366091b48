//! Reading an existing development CA back from `dev-ca/` and checking it before use.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rcgen::{DistinguishedName, DnType, Issuer, KeyPair, PublicKeyData};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;

use super::{ca_params, DevCa};
use crate::fsutil;
use crate::CertError;

/// Loads `ca.pem` and `ca.key`, checks that they belong together, that the certificate
/// is a CA and is currently valid, and rebuilds the issuer from them.
pub(super) fn load(dir: PathBuf, cert_path: &Path, key_path: &Path) -> Result<DevCa, CertError> {
    let ca_pem = read_text(cert_path)?;
    let ca_der = CertificateDer::from_pem_slice(ca_pem.as_bytes()).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => CertError::NoCertificate {
            path: cert_path.to_path_buf(),
            found: "no CERTIFICATE block".into(),
        },
        other => CertError::Pem {
            path: cert_path.to_path_buf(),
            detail: other.to_string(),
        },
    })?;
    let key = KeyPair::from_pem(&read_text(key_path)?).map_err(|e| CertError::BadKey {
        path: key_path.to_path_buf(),
        detail: e.to_string(),
    })?;

    let x509 = parse(&ca_der, cert_path)?;
    if x509.public_key().raw != key.subject_public_key_info().as_slice() {
        return Err(CertError::KeyMismatch {
            cert: cert_path.to_path_buf(),
            key: key_path.to_path_buf(),
        });
    }
    if !x509.is_ca() {
        return Err(CertError::DevCa {
            path: cert_path.to_path_buf(),
            detail: "this certificate is not a CA; remove the dev-ca directory to create one"
                .into(),
        });
    }
    let validity = x509.validity();
    let now = SystemTime::now();
    let now_secs = time::OffsetDateTime::from(now).unix_timestamp();
    if now_secs > validity.not_after.timestamp() {
        return Err(CertError::Expired {
            path: cert_path.to_path_buf(),
            not_after: validity.not_after.to_string(),
        });
    }
    if now_secs < validity.not_before.timestamp() {
        return Err(CertError::NotYetValid {
            path: cert_path.to_path_buf(),
            not_before: validity.not_before.to_string(),
        });
    }

    let mut dn = DistinguishedName::new();
    for attr in x509.subject().iter_attributes() {
        let (Some(oid), Ok(value)) = (attr.attr_type().iter(), attr.as_str()) else {
            return Err(CertError::DevCa {
                path: cert_path.to_path_buf(),
                detail: "the CA's subject name cannot be read back".into(),
            });
        };
        dn.push(DnType::from_oid(&oid.collect::<Vec<u64>>()), value);
    }

    let mut permitted = Vec::new();
    let constraints = x509
        .name_constraints()
        .map_err(|e| CertError::BadCertificate {
            path: cert_path.to_path_buf(),
            detail: format!("name constraints: {e}"),
        })?;
    if let Some(constraints) = constraints {
        for subtree in constraints.value.permitted_subtrees.iter().flatten() {
            if let GeneralName::DNSName(domain) = subtree.base {
                permitted.push(domain.trim_start_matches('.').to_ascii_lowercase());
            }
        }
    }

    if let Some(mode) = fsutil::restrict_to_owner(key_path)? {
        tracing::warn!(
            path = %key_path.display(),
            mode = format!("{mode:o}"),
            "the development CA key was readable by others; restricted it to 0600"
        );
    }

    let ca_subject = x509.subject().as_raw().to_vec();
    let mut params = ca_params("");
    params.distinguished_name = dn;
    drop(x509);
    Ok(DevCa {
        dir,
        ca_pem,
        ca_der,
        ca_subject,
        permitted,
        issuer: Issuer::new(params, key),
    })
}

/// The raw DER subject name of a certificate.
pub(super) fn subject_of(der: &CertificateDer<'_>, path: &Path) -> Result<Vec<u8>, CertError> {
    Ok(parse(der, path)?.subject().as_raw().to_vec())
}

/// The raw DER issuer name of a certificate.
pub(super) fn issuer_of(der: &CertificateDer<'_>, path: &Path) -> Result<Vec<u8>, CertError> {
    Ok(parse(der, path)?.issuer().as_raw().to_vec())
}

fn parse<'a>(der: &'a CertificateDer<'_>, path: &Path) -> Result<X509Certificate<'a>, CertError> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, cert)| cert)
        .map_err(|e| CertError::BadCertificate {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })
}

fn read_text(path: &Path) -> Result<String, CertError> {
    std::fs::read_to_string(path).map_err(|source| CertError::Read {
        path: path.to_path_buf(),
        source,
    })
}
