//! Compact ES256 JWS signing with the key ring's current signing key (identity assertions and
//! the development IdP's ID tokens).

use serde::Serialize;

use super::keys::KeyRing;
use super::{b64, AuthError};

#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    typ: &'static str,
    kid: &'a str,
}

/// Signs `payload` as a compact JWS (`header.payload.signature`, ES256, `kid` of the key).
pub fn sign_es256(keys: &KeyRing, payload: &impl Serialize) -> Result<String, AuthError> {
    let key = keys.signing_key();
    let header = serde_json::to_vec(&Header {
        alg: "ES256",
        typ: "JWT",
        kid: &key.kid,
    })
    .map_err(|_| AuthError::Crypto("JWT header"))?;
    let payload = serde_json::to_vec(payload).map_err(|_| AuthError::Crypto("JWT payload"))?;
    let mut token = b64(&header);
    token.push('.');
    token.push_str(&b64(&payload));
    let signature = key.sign(keys.rng(), token.as_bytes())?;
    token.push('.');
    token.push_str(&b64(&signature));
    Ok(token)
}
