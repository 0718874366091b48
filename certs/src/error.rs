//! `CertError`: every way loading a certificate or running the development CA can fail.

use std::io;
use std::path::PathBuf;

/// An error from loading a certificate pair or from the development CA.
///
/// Every variant names the file (or directory) involved and says what is wrong with it,
/// so the message can be shown to a user as is.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// A file could not be read (missing, a directory, permission denied, ...).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },

    /// A file or directory could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file or directory that could not be written.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },

    /// A file is not well-formed PEM (for example a block without its END line).
    #[error("{} is not valid PEM: {detail}", path.display())]
    Pem {
        /// The malformed file.
        path: PathBuf,
        /// What the PEM parser reported.
        detail: String,
    },

    /// The certificate file holds no `CERTIFICATE` block.
    #[error("{} contains no PEM certificate ({found})", path.display())]
    NoCertificate {
        /// The certificate file.
        path: PathBuf,
        /// What the file holds instead, e.g. "the file is empty".
        found: String,
    },

    /// The key file holds no private key block.
    #[error("{} contains no PEM private key ({found})", path.display())]
    NoPrivateKey {
        /// The key file.
        path: PathBuf,
        /// What the file holds instead, e.g. "only CERTIFICATE blocks".
        found: String,
    },

    /// The private key could not be used (unsupported algorithm or malformed key).
    #[error("{} holds a private key that cannot be used: {detail}", path.display())]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// Why the key was refused.
        detail: String,
    },

    /// The certificate could not be parsed as X.509.
    #[error("{} holds a certificate that cannot be parsed: {detail}", path.display())]
    BadCertificate {
        /// The certificate file.
        path: PathBuf,
        /// What the parser reported.
        detail: String,
    },

    /// The private key does not belong to the certificate.
    #[error(
        "the private key in {} does not match the certificate in {}",
        key.display(),
        cert.display()
    )]
    KeyMismatch {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
    },

    /// The certificate's validity period ended.
    #[error("the certificate in {} expired at {not_after}", path.display())]
    Expired {
        /// The certificate file.
        path: PathBuf,
        /// When it expired (RFC 3339).
        not_after: String,
    },

    /// The certificate's validity period has not started yet.
    #[error("the certificate in {} is not valid before {not_before}", path.display())]
    NotYetValid {
        /// The certificate file.
        path: PathBuf,
        /// When it becomes valid (RFC 3339).
        not_before: String,
    },

    /// The certificate has no DNS name in its subjectAltName extension, so it can serve no host.
    #[error(
        "the certificate in {} has no DNS name in its subjectAltName (the common name is not used)",
        path.display()
    )]
    NoDnsName {
        /// The certificate file.
        path: PathBuf,
    },

    /// A hostname given to the development CA cannot go into a certificate.
    #[error("cannot issue a development certificate for {host:?}: {detail}")]
    InvalidHost {
        /// The hostname as given.
        host: String,
        /// Why it was refused.
        detail: String,
    },

    /// The development CA directory is in a state Sitegate will not repair on its own.
    #[error("development CA in {}: {detail}", path.display())]
    DevCa {
        /// The `dev-ca` directory or the file in it that is wrong.
        path: PathBuf,
        /// What is wrong and what to do about it.
        detail: String,
    },

    /// Generating a key or signing a certificate failed.
    #[error("cannot generate {what}: {detail}")]
    Generate {
        /// What was being generated, e.g. "the development CA certificate".
        what: String,
        /// The generator's error.
        detail: String,
    },
}
