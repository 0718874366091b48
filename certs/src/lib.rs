//! Sitegate certificates: loading and checking PEM files, choosing a certificate by SNI,
//! and the development CA.
//!
//! The gateway loads each configured pair with [`load_pair`] (every problem is a
//! [`CertError`] naming the file, never a panic), builds a [`CertSet`], and hands an
//! [`SniResolver`] to pingora's rustls listener. Reloading is [`SniResolver::replace`].
//! Hosts that no file covers ([`CertSet::covers`]) get a leaf from the [`DevCa`].
//!
//! ```no_run
//! use certs::{load_pair, CertSet, CertSource, DevCa, SniResolver};
//! # fn main() -> Result<(), certs::CertError> {
//! let site = CertSource { cert: "site.pem".into(), key: "site.key".into() };
//! let mut loaded = vec![load_pair(&site)?];
//! let ca = DevCa::load_or_create("sitegate-data".as_ref())?;
//! let hosts = vec!["demo.localhost".to_string()];
//! let uncovered: Vec<String> = {
//!     let files = CertSet::new(loaded.clone(), None);
//!     hosts.into_iter().filter(|h| !files.covers(h)).collect()
//! };
//! if !uncovered.is_empty() {
//!     loaded.push(ca.issue(&uncovered)?);
//! }
//! let resolver = SniResolver::new(CertSet::new(loaded, Some(0)));
//! // pingora: tls_settings.set_cert_resolver(resolver.clone());
//! // on SIGHUP or file change: resolver.replace(new_set);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod devca;
mod error;
pub mod fsutil;
mod load;
mod set;
#[cfg(test)]
mod testutil;

pub use devca::{DevCa, DEV_CA_VALIDITY, DEV_LEAF_VALIDITY};
pub use error::CertError;
pub use load::{load_pair, CertSource, LoadedCert};
pub use set::{CertSet, SniResolver};

/// The rustls version this crate is built against, re-exported so callers name the same
/// types (`rustls::sign::CertifiedKey`, `rustls::server::ResolvesServerCert`).
pub use rustls;
