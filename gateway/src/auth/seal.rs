//! AEAD sealing shared by every cookie the gateway sets: AES-256-GCM over a JSON payload,
//! with the purpose (cookie name) and the binding (site id, flow state) in the associated
//! data, so a value sealed for one purpose or site never opens for another.
//!
//! Layout, then base64url without padding:
//! `version (1) || key id (4, BE) || binding tag (4) || nonce (12) || ciphertext || tag (16)`.
//! The binding tag is a public hash of purpose and binding, only there to tell "wrong site"
//! apart from "tampered"; the AEAD's associated data is what enforces the binding.

use ring::aead::{Aad, Nonce, NONCE_LEN};
use ring::digest;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::keys::KeyRing;
use super::{b64, random_array, unb64, AuthError};

/// Format version written as the first byte.
const VERSION: u8 = 1;
/// Version, key id, binding tag.
const HEADER_LEN: usize = 1 + 4 + 4;
/// The GCM tag.
const TAG_LEN: usize = 16;
/// Longest encoded value accepted (browsers keep cookies up to 4096 bytes).
pub(crate) const MAX_ENCODED_LEN: usize = 4096;

/// A payload that can be sealed into a cookie.
pub(crate) trait Sealed: Serialize + DeserializeOwned {
    /// What the value is for (the cookie name); part of the associated data.
    const PURPOSE: &'static str;
    /// What the value is bound to (site id, flow state); part of the associated data.
    fn binding(&self) -> &str;
    /// True once the value must no longer be accepted.
    fn expired(&self, now: u64) -> bool;
}

/// Seals `value` with the ring's newest key.
pub(crate) fn seal<T: Sealed>(keys: &KeyRing, value: &T) -> Result<String, AuthError> {
    let key = keys.sealing_key();
    let mut header = [0u8; HEADER_LEN];
    header[0] = VERSION;
    header[1..5].copy_from_slice(&key.id.to_be_bytes());
    header[5..9].copy_from_slice(&binding_tag(T::PURPOSE, value.binding()));
    let nonce_bytes: [u8; NONCE_LEN] = random_array(keys.rng())?;

    let mut body =
        serde_json::to_vec(value).map_err(|_| AuthError::Crypto("payload serialization"))?;
    let aad = associated_data(T::PURPOSE, value.binding(), &header);
    key.key
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce_bytes),
            Aad::from(&aad),
            &mut body,
        )
        .map_err(|_| AuthError::Crypto("AEAD seal"))?;

    let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + body.len());
    out.extend_from_slice(&header);
    out.extend_from_slice(&nonce_bytes);
    out.extend_from_slice(&body);
    Ok(b64(&out))
}

/// Opens a value sealed for `binding`, checking in order: shape (`Malformed`), binding
/// tag (`WrongSite`), key (`UnknownKey`), authentication (`Tampered`), payload binding
/// (`WrongSite`) and expiry (`Expired`).
pub(crate) fn open<T: Sealed>(
    keys: &KeyRing,
    raw: &str,
    binding: &str,
    now: u64,
) -> Result<T, AuthError> {
    if raw.is_empty() || raw.len() > MAX_ENCODED_LEN {
        return Err(AuthError::Malformed);
    }
    let mut bytes = unb64(raw).ok_or(AuthError::Malformed)?;
    if bytes.len() < HEADER_LEN + NONCE_LEN + TAG_LEN || bytes[0] != VERSION {
        return Err(AuthError::Malformed);
    }
    let mut header = [0u8; HEADER_LEN];
    header.copy_from_slice(&bytes[..HEADER_LEN]);
    if header[5..9] != binding_tag(T::PURPOSE, binding) {
        return Err(AuthError::WrongSite);
    }
    let key_id = u32::from_be_bytes([header[1], header[2], header[3], header[4]]);
    let key = keys.opening_key(key_id).ok_or(AuthError::UnknownKey)?;
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&bytes[HEADER_LEN..HEADER_LEN + NONCE_LEN]);

    let aad = associated_data(T::PURPOSE, binding, &header);
    let ciphertext = &mut bytes[HEADER_LEN + NONCE_LEN..];
    let plain = key
        .key
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(&aad),
            ciphertext,
        )
        .map_err(|_| AuthError::Tampered)?;
    let value: T = serde_json::from_slice(plain).map_err(|_| AuthError::Malformed)?;
    if value.binding() != binding {
        return Err(AuthError::WrongSite);
    }
    if value.expired(now) {
        return Err(AuthError::Expired);
    }
    Ok(value)
}

fn binding_tag(purpose: &str, binding: &str) -> [u8; 4] {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(b"sitegate binding tag\0");
    ctx.update(purpose.as_bytes());
    ctx.update(b"\0");
    ctx.update(binding.as_bytes());
    let d = ctx.finish();
    let mut tag = [0u8; 4];
    tag.copy_from_slice(&d.as_ref()[..4]);
    tag
}

fn associated_data(purpose: &str, binding: &str, header: &[u8; HEADER_LEN]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(32 + purpose.len() + binding.len());
    aad.extend_from_slice(b"sitegate seal v1\0");
    aad.extend_from_slice(purpose.as_bytes());
    aad.push(0);
    aad.extend_from_slice(binding.as_bytes());
    aad.push(0);
    aad.extend_from_slice(header);
    aad
}
