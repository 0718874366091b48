//! Sitegate certificates: loading and checking PEM files, choosing a certificate by SNI,
//! and the development CA.
//!
//! The gateway loads each configured pair with [`load_pair`] (every problem is a
//! [`CertError`] naming the file, never a panic), builds a [`CertSet`], and hands an
//! [`SniResolver`] to pingora's rustls listener. Reloading is [`SniResolver::replace`].
//! Hosts that no file covers ([`CertSet::covers`]) get a leaf from the [`DevCa`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod devca;
mod error;
mod fsutil;
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
