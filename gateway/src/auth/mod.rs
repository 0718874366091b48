//! Building blocks of sign-in: keys, sealed cookies, one-time codes, `return_to` checks,
//! identity headers and assertions, and rate limits. Pure: no
//! pingora types, time passed in by the caller so tests can cover expiry without sleeping.

pub mod assertion;
pub mod code;
pub mod identity;
pub mod jws;
pub mod keys;
pub mod ratelimit;
pub mod return_to;
mod seal;
pub mod session;
#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod testutil;

use std::path::PathBuf;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::rand::SecureRandom;
use subtle::ConstantTimeEq;

/// Compares secrets in time that depends only on their lengths, not on where they differ
/// (`subtle`, which keeps the compiler from turning the comparison into an early exit).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// `bytes` as lower-case hex digits.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a sign-in building block refused its input or could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A sealed cookie's lifetime or idle timeout has passed.
    #[error("session expired")]
    Expired,
    /// A sealed cookie failed authentication: altered, truncated, re-ordered or forged.
    #[error("session cookie failed authentication")]
    Tampered,
    /// A sealed cookie (or code) was minted for another site or purpose.
    #[error("session cookie belongs to another site")]
    WrongSite,
    /// A sealed cookie names a key this gateway no longer has (or never had).
    #[error("session cookie sealed with an unknown key")]
    UnknownKey,
    /// A sealed cookie is not even shaped like one (bad base64, wrong version, too short).
    #[error("malformed session cookie")]
    Malformed,
    /// A `return_to` value is not a safe same-origin relative path.
    #[error("refused return_to: {0}")]
    ReturnTo(&'static str),
    /// A one-time code is unknown, already used, expired or for another site.
    #[error("invalid or used sign-in code")]
    InvalidCode,
    /// This client made too many sign-in requests; it may try again after the delay.
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until a request will be accepted (for `Retry-After`).
        retry_after_secs: u64,
    },
    /// Too many one-time codes are outstanding; try again shortly.
    #[error("too many sign-in codes outstanding")]
    CodeStoreFull,
    /// A key file could not be read or written.
    #[error("key file {path}: {source}")]
    KeyIo {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A key file exists but its content is unusable.
    #[error("key file {path}: {reason}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The system random generator or a crypto primitive failed.
    #[error("cryptographic operation failed: {0}")]
    Crypto(&'static str),
}

/// A 32-byte secret whose `Debug` never shows its bytes; zeroed when dropped.
#[derive(Clone)]
pub struct Secret32(pub(crate) [u8; 32]);

impl Secret32 {
    /// Fresh random bytes from the system generator.
    pub fn random(rng: &dyn SecureRandom) -> Result<Self, AuthError> {
        Ok(Secret32(random_array(rng)?))
    }

    /// The raw bytes, for keying a primitive.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for Secret32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Drop for Secret32 {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// `n` random bytes, base64url without padding: ids, states, nonces, PKCE verifiers.
pub fn random_token(rng: &dyn SecureRandom, n: usize) -> Result<String, AuthError> {
    let mut buf = vec![0u8; n];
    rng.fill(&mut buf)
        .map_err(|_| AuthError::Crypto("random generator"))?;
    Ok(b64(&buf))
}

pub(crate) fn random_array<const N: usize>(rng: &dyn SecureRandom) -> Result<[u8; N], AuthError> {
    let mut buf = [0u8; N];
    rng.fill(&mut buf)
        .map_err(|_| AuthError::Crypto("random generator"))?;
    Ok(buf)
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn unb64(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s).ok()
}
