//! HMAC signatures (RFC 2104) over any of the digests: ring for the SHA family, RustCrypto's
//! `hmac` for workerd's MD5.

use ::hmac::{Hmac, Mac};
use ring::hmac as ring_hmac;
use subtle::ConstantTimeEq;

use super::digest::Hash;

/// The HMAC of `data` under `key` with `hash`.
pub fn sign(hash: Hash, key: &[u8], data: &[u8]) -> Vec<u8> {
    let algorithm = match hash {
        Hash::Md5 => return md5_hmac(key, data),
        Hash::Sha1 => ring_hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        Hash::Sha256 => ring_hmac::HMAC_SHA256,
        Hash::Sha384 => ring_hmac::HMAC_SHA384,
        Hash::Sha512 => ring_hmac::HMAC_SHA512,
    };
    ring_hmac::sign(&ring_hmac::Key::new(algorithm, key), data)
        .as_ref()
        .to_vec()
}

/// Whether `signature` is the HMAC of `data` (compared in constant time).
pub fn verify(hash: Hash, key: &[u8], signature: &[u8], data: &[u8]) -> bool {
    sign(hash, key, data).ct_eq(signature).into()
}

fn md5_hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail.
    match Hmac::<md5::Md5>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}
