//! The development CA: a local root created once in `<state_dir>/dev-ca/` that issues
//! short-lived leaf certificates for hosts no configured certificate covers.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
    GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose, NameConstraints, SanType,
    PKCS_ECDSA_P256_SHA256,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::fsutil::{self, KEY_MODE, PUBLIC_MODE};
use crate::{CertError, CertSource, LoadedCert};

mod stored;
#[cfg(test)]
mod tests;

/// How long a newly created development CA is valid.
pub const DEV_CA_VALIDITY: Duration = Duration::from_secs(10 * 365 * 24 * 3600);
/// How long a leaf certificate issued by the development CA is valid. Callers should
/// issue a new one when [`LoadedCert::expires_within`] a few days says so.
pub const DEV_LEAF_VALIDITY: Duration = Duration::from_secs(30 * 24 * 3600);
/// How far back `not_before` is set, to tolerate clocks that are a little behind.
const BACKDATE: Duration = Duration::from_secs(3600);

const CA_CERT_FILE: &str = "ca.pem";
const CA_KEY_FILE: &str = "ca.key";
const CA_ORGANIZATION: &str = "Sitegate development CA";

/// A development certificate authority kept in `<state_dir>/dev-ca/`.
///
/// `ca.pem` is the CA certificate users trust (`sitegate ca export`); `ca.key` is its
/// ECDSA P-256 key, mode 0600. Both are written atomically on first start and reused
/// afterwards.
pub struct DevCa {
    dir: PathBuf,
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    ca_subject: Vec<u8>,
    permitted: Vec<String>,
    issuer: Issuer<'static, KeyPair>,
}

impl fmt::Debug for DevCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevCa")
            .field("dir", &self.dir)
            .field("permitted", &self.permitted)
            .finish_non_exhaustive()
    }
}

/// A leaf just issued, with the PEM text needed to write it out.
struct Issued {
    loaded: LoadedCert,
    cert_pem: String,
    key_pem: String,
}

impl DevCa {
    /// Loads the CA from `<state_dir>/dev-ca/`, creating it (and the directories) on
    /// first use. The CA may issue for any hostname.
    pub fn load_or_create(state_dir: &Path) -> Result<DevCa, CertError> {
        Self::load_or_create_constrained(state_dir, &[])
    }

    /// Like [`DevCa::load_or_create`], but a CA created by this call carries X.509 name
    /// constraints: it can only vouch for the given DNS domains and their subdomains, so
    /// a leaked `ca.key` cannot be used against other sites. An empty list means no
    /// constraints. An existing CA keeps the constraints it was created with; hosts
    /// outside them are refused by [`DevCa::issue`].
    pub fn load_or_create_constrained(
        state_dir: &Path,
        permitted: &[String],
    ) -> Result<DevCa, CertError> {
        let dir = state_dir.join("dev-ca");
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        if exists(&cert_path)? {
            if !exists(&key_path)? {
                return Err(CertError::DevCa {
                    path: key_path,
                    detail: format!(
                        "the CA key is missing, so {} cannot issue certificates; remove {} to \
                         create a new CA (and trust the new one)",
                        cert_path.display(),
                        cert_path.display()
                    ),
                });
            }
            return stored::load(dir, &cert_path, &key_path);
        }
        let permitted = permitted
            .iter()
            .map(|d| normalize_host(d).map(|h| h.trim_start_matches("*.").to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Self::create(dir, &cert_path, &key_path, permitted)
    }

    fn create(
        dir: PathBuf,
        cert_path: &Path,
        key_path: &Path,
        permitted: Vec<String>,
    ) -> Result<DevCa, CertError> {
        fsutil::create_private_dir(&dir)?;
        let gen_err = |e: rcgen::Error| CertError::Generate {
            what: "the development CA".into(),
            detail: e.to_string(),
        };
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(gen_err)?;
        // A short fingerprint in the name tells one machine's CA from another's in a
        // browser's list of trusted roots.
        let tag: String = key
            .public_key_raw()
            .iter()
            .skip(1)
            .take(4)
            .map(|b| format!("{b:02x}"))
            .collect();
        let common_name = format!("Sitegate Development CA {tag}");
        let mut params = ca_params(&common_name);
        let now = SystemTime::now();
        params.not_before = offset(now.checked_sub(BACKDATE).unwrap_or(now));
        params.not_after = offset(now.checked_add(DEV_CA_VALIDITY).unwrap_or(now));
        if !permitted.is_empty() {
            params.name_constraints = Some(NameConstraints {
                permitted_subtrees: permitted
                    .iter()
                    .map(|d| GeneralSubtree::DnsName(d.clone()))
                    .collect(),
                excluded_subtrees: Vec::new(),
            });
        }
        let cert = params.self_signed(&key).map_err(gen_err)?;
        let ca_pem = cert.pem();

        // Key first: a crash before the certificate is written leaves no ca.pem, so the
        // next start creates a fresh CA instead of finding one it cannot use.
        fsutil::write_atomic(key_path, key.serialize_pem().as_bytes(), KEY_MODE)?;
        fsutil::write_atomic(cert_path, ca_pem.as_bytes(), PUBLIC_MODE)?;
        tracing::info!(path = %cert_path.display(), "created the development CA");

        let ca_der = cert.der().clone();
        let ca_subject = stored::subject_of(&ca_der, cert_path)?;
        Ok(DevCa {
            dir,
            ca_pem,
            ca_der,
            ca_subject,
            permitted,
            issuer: Issuer::new(ca_params(&common_name), key),
        })
    }

    /// Issues one leaf certificate (ECDSA P-256, serverAuth, valid for
    /// [`DEV_LEAF_VALIDITY`]) whose subjectAltName lists every host. Hosts are DNS names,
    /// optionally `*.example.com`; case and a trailing dot do not matter.
    pub fn issue(&self, hosts: &[String]) -> Result<LoadedCert, CertError> {
        self.issue_pem(hosts).map(|issued| issued.loaded)
    }

    /// Issues a leaf like [`DevCa::issue`] and writes it to `<dir>/<first host>.pem` and
    /// `<dir>/<first host>.key` (mode 0600), for tests and benchmarks that need files.
    pub fn issue_to_files(&self, hosts: &[String], dir: &Path) -> Result<CertSource, CertError> {
        let issued = self.issue_pem(hosts)?;
        let stem = issued
            .loaded
            .names
            .first()
            .map(|n| n.replace('*', "_wildcard"))
            .unwrap_or_else(|| "leaf".into());
        std::fs::create_dir_all(dir).map_err(|source| CertError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        let source = CertSource {
            cert: dir.join(format!("{stem}.pem")),
            key: dir.join(format!("{stem}.key")),
        };
        fsutil::write_atomic(&source.key, issued.key_pem.as_bytes(), KEY_MODE)?;
        fsutil::write_atomic(&source.cert, issued.cert_pem.as_bytes(), PUBLIC_MODE)?;
        Ok(source)
    }

    /// The CA certificate in PEM form, for `sitegate ca export`.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The CA certificate in DER form, for clients that should trust it.
    pub fn ca_der(&self) -> &CertificateDer<'static> {
        &self.ca_der
    }

    /// Where the CA certificate is stored (`<state_dir>/dev-ca/ca.pem`).
    pub fn ca_path(&self) -> PathBuf {
        self.dir.join(CA_CERT_FILE)
    }

    /// The DNS domains the CA is constrained to; empty when it may issue for any name.
    pub fn permitted_domains(&self) -> &[String] {
        &self.permitted
    }

    fn issue_pem(&self, hosts: &[String]) -> Result<Issued, CertError> {
        if hosts.is_empty() {
            return Err(CertError::InvalidHost {
                host: String::new(),
                detail: "no hostnames given".into(),
            });
        }
        let mut names: Vec<String> = Vec::with_capacity(hosts.len());
        for host in hosts {
            let name = normalize_host(host)?;
            if !self.permits(&name) {
                return Err(CertError::InvalidHost {
                    host: host.clone(),
                    detail: format!(
                        "outside the development CA's name constraints ({}); remove {} to \
                         create a CA for the current domains",
                        self.permitted.join(", "),
                        self.dir.display()
                    ),
                });
            }
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let gen_err = |e: rcgen::Error| CertError::Generate {
            what: format!("a development certificate for {}", names.join(", ")),
            detail: e.to_string(),
        };

        let mut params = CertificateParams::default();
        params.subject_alt_names = names
            .iter()
            .map(|n| n.clone().try_into().map(SanType::DnsName))
            .collect::<Result<_, _>>()
            .map_err(gen_err)?;
        let mut dn = DistinguishedName::new();
        if let Some(first) = names.first().filter(|n| n.len() <= 64) {
            dn.push(DnType::CommonName, first.as_str());
        }
        params.distinguished_name = dn;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let now = SystemTime::now();
        params.not_before = offset(now.checked_sub(BACKDATE).unwrap_or(now));
        params.not_after = offset(now.checked_add(DEV_LEAF_VALIDITY).unwrap_or(now));

        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(gen_err)?;
        let cert = params.signed_by(&key, &self.issuer).map_err(gen_err)?;
        let leaf_der = cert.der().clone();
        // Guard against a CA name that was rebuilt differently from the stored one:
        // clients would then fail to chain the leaf to the CA.
        if stored::issuer_of(&leaf_der, &self.ca_path())? != self.ca_subject {
            return Err(CertError::DevCa {
                path: self.ca_path(),
                detail: "issued certificates would not chain to this CA (subject mismatch)".into(),
            });
        }
        let label = self.dir.join(format!("issued for {}", names.join(",")));
        let key_der = PrivateKeyDer::Pkcs8(key.serialize_der().into());
        let mut loaded = LoadedCert::check(vec![leaf_der], key_der, &label, &label, now)?;
        loaded.source = None;
        Ok(Issued {
            loaded,
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// True when the CA's name constraints (if any) allow `name`.
    fn permits(&self, name: &str) -> bool {
        let name = name.trim_start_matches("*.");
        self.permitted.is_empty()
            || self
                .permitted
                .iter()
                .any(|d| name == d || name.ends_with(&format!(".{d}")))
    }
}

/// The parameters that identify the CA as an issuer (name, key usages, CA flag). Used to
/// create it, and to rebuild the rcgen issuer when the CA is loaded again.
fn ca_params(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, CA_ORGANIZATION);
    dn.push(DnType::CommonName, common_name);
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

/// Lowercases, drops a trailing dot, and checks that `host` is a DNS name (optionally
/// with a leading `*.` label) that can go into a certificate.
fn normalize_host(host: &str) -> Result<String, CertError> {
    let invalid = |detail: &str| CertError::InvalidHost {
        host: host.to_string(),
        detail: detail.to_string(),
    };
    let name = crate::load::normalize_name(host.trim());
    if name.parse::<std::net::IpAddr>().is_ok() {
        return Err(invalid("IP addresses are not supported; use a DNS name"));
    }
    let base = name.strip_prefix("*.").unwrap_or(&name);
    if base.contains('*') {
        return Err(invalid(
            "a wildcard must be the whole first label, as in *.example.com",
        ));
    }
    if rustls_pki_types::DnsName::try_from(base).is_err() || !base.contains(|c: char| c != '.') {
        return Err(invalid("not a valid DNS name"));
    }
    Ok(name)
}

fn exists(path: &Path) -> Result<bool, CertError> {
    path.try_exists().map_err(|source| CertError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn offset(t: SystemTime) -> time::OffsetDateTime {
    time::OffsetDateTime::from(t)
}
