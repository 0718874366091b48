//! The digest algorithms WebCrypto names (`SHA-1`, `SHA-256`, `SHA-384`, `SHA-512`, and
//! workerd's `MD5`), for `digest` and as the hash of HMAC and ECDSA.

use md5::Digest;
use ring::digest;

/// A digest algorithm, by its WebCrypto name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    /// MD5 (workerd accepts it; not in the WebCrypto standard).
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    /// The algorithm of a normalized name (upper case, as the JavaScript layer passes it).
    pub fn from_name(name: &str) -> Option<Hash> {
        match name {
            "MD5" => Some(Hash::Md5),
            "SHA-1" => Some(Hash::Sha1),
            "SHA-256" => Some(Hash::Sha256),
            "SHA-384" => Some(Hash::Sha384),
            "SHA-512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    /// ring's algorithm, for all but MD5.
    pub fn ring(self) -> Option<&'static digest::Algorithm> {
        match self {
            Hash::Md5 => None,
            Hash::Sha1 => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
            Hash::Sha256 => Some(&digest::SHA256),
            Hash::Sha384 => Some(&digest::SHA384),
            Hash::Sha512 => Some(&digest::SHA512),
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self.ring() {
            Some(algorithm) => digest::digest(algorithm, data).as_ref().to_vec(),
            None => md5::Md5::digest(data).to_vec(),
        }
    }
}
