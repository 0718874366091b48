//! ECDSA on P-256 (p256): keys from and to SEC1 points, SPKI, PKCS #8 and JWK coordinates,
//! and signatures over any of the digests in IEEE P1363 form (`r || s`), as WebCrypto has them.

use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::pkcs8::spki::{DecodePublicKey, EncodePublicKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use p256::{PublicKey, SecretKey};

use super::digest::Hash;
use super::key::Material;
use super::Failure;

/// The bytes of a P-256 coordinate or private scalar.
const FIELD_BYTES: usize = 32;

/// A fresh private key from `random`, which draws 32 random bytes per call (a draw that is not
/// a valid scalar, about once in 2^32, is drawn again).
pub fn generate(mut random: impl FnMut() -> Result<Vec<u8>, Failure>) -> Result<Material, Failure> {
    loop {
        if let Ok(secret) = SecretKey::from_slice(&random()?) {
            return Ok(Material::EcPrivate(secret));
        }
    }
}

/// The public key of a private or public key.
pub fn public_key(material: &Material) -> Option<PublicKey> {
    match material {
        Material::EcPrivate(secret) => Some(secret.public_key()),
        Material::EcPublic(public) => Some(*public),
        Material::Secret(_) => None,
    }
}

/// A public key from a SEC1 point (uncompressed or compressed).
pub fn import_raw(data: &[u8]) -> Result<Material, Failure> {
    PublicKey::from_sec1_bytes(data)
        .map(Material::EcPublic)
        .map_err(|_| Failure::data("Failed to import raw EC key data: Invalid point encoding.."))
}

/// A public key from a DER `SubjectPublicKeyInfo`.
pub fn import_spki(data: &[u8]) -> Result<Material, Failure> {
    PublicKey::from_public_key_der(data)
        .map(Material::EcPublic)
        .map_err(|_| Failure::data("Invalid SPKI input."))
}

/// A private key from a DER PKCS #8 `PrivateKeyInfo`.
pub fn import_pkcs8(data: &[u8]) -> Result<Material, Failure> {
    SecretKey::from_pkcs8_der(data)
        .map(Material::EcPrivate)
        .map_err(|_| Failure::data("Invalid PKCS8 input."))
}

/// A key from JWK coordinates `x`, `y` and, for a private key, `d` (already base64url
/// decoded); the private scalar must belong to the public point.
pub fn import_jwk(x: &[u8], y: &[u8], d: Option<&[u8]>) -> Result<Material, Failure> {
    let bad_point = || {
        Failure::operation(
            "Invalid EC key; public key coordinates \"x\" and \"y\" are invalid: Point is not on curve..",
        )
    };
    if x.len() != FIELD_BYTES || y.len() != FIELD_BYTES {
        return Err(bad_point());
    }
    let point = [&[4u8][..], x, y].concat();
    let public = PublicKey::from_sec1_bytes(&point).map_err(|_| bad_point())?;
    let Some(d) = d else {
        return Ok(Material::EcPublic(public));
    };
    let bad_scalar =
        || Failure::operation("Invalid EC key; private key component \"d\" is invalid.");
    if d.len() != FIELD_BYTES {
        return Err(bad_scalar());
    }
    let secret = SecretKey::from_slice(d).map_err(|_| bad_scalar())?;
    if secret.public_key() != public {
        return Err(Failure::data("Invalid EC key in JSON Web Key."));
    }
    Ok(Material::EcPrivate(secret))
}

/// The uncompressed SEC1 point of a public key.
pub fn export_raw(public: &PublicKey) -> Vec<u8> {
    public.to_sec1_point(false).as_bytes().to_vec()
}

/// The DER `SubjectPublicKeyInfo` of a public key.
pub fn export_spki(public: &PublicKey) -> Result<Vec<u8>, Failure> {
    public
        .to_public_key_der()
        .map(|der| der.as_bytes().to_vec())
        .map_err(|_| Failure::operation("Failed to encode the SPKI of the key."))
}

/// The DER PKCS #8 `PrivateKeyInfo` of a private key.
pub fn export_pkcs8(secret: &SecretKey) -> Result<Vec<u8>, Failure> {
    secret
        .to_pkcs8_der()
        .map(|der| der.as_bytes().to_vec())
        .map_err(|_| Failure::operation("Failed to encode the PKCS8 of the key."))
}

/// The JWK coordinates `x`, `y` of a public key.
pub fn coordinates(public: &PublicKey) -> (Vec<u8>, Vec<u8>) {
    let point = export_raw(public);
    let (x, y) = point
        .get(1..)
        .unwrap_or_default()
        .split_at(FIELD_BYTES.min(point.len().saturating_sub(1)));
    (x.to_vec(), y.to_vec())
}

/// The P1363 signature of `data` hashed with `hash`.
pub fn sign(secret: &SecretKey, hash: Hash, data: &[u8]) -> Result<Vec<u8>, Failure> {
    let signature: Signature = SigningKey::from(secret)
        .sign_prehash(&hash.digest(data))
        .map_err(|_| Failure::operation("ECDSA signing failed."))?;
    Ok(signature.to_bytes().to_vec())
}

/// Whether `signature` (P1363) signs `data` hashed with `hash`; a signature of the wrong
/// length or with out-of-range parts is simply not valid.
pub fn verify(public: &PublicKey, hash: Hash, signature: &[u8], data: &[u8]) -> bool {
    let Ok(signature) = Signature::from_slice(signature) else {
        return false;
    };
    VerifyingKey::from(public)
        .verify_prehash(&hash.digest(data), &signature)
        .is_ok()
}
