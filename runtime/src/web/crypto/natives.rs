//! The natives `crypto.js` calls, on `internal.crypto`. They trust the JavaScript layer to
//! have checked arguments the way workerd does, but still turn anything unexpected into an
//! exception rather than a panic.

use rquickjs::{ArrayBuffer, Class, Ctx, Exception, Function, Object, Result, Value};
use subtle::ConstantTimeEq;

use super::aes_gcm::{self, GcmError};
use super::digest::Hash;
use super::hasher::Hasher;
use super::key::{KeyMaterial, Material};
use super::{ecdsa, hmac, random, Failure};
use crate::buffer_source::copy_of;

/// The object of natives.
pub fn object<'js>(ctx: &Ctx<'js>) -> Result<Object<'js>> {
    let natives = Object::new(ctx.clone())?;
    macro_rules! define {
        ($($name:literal => $function:expr),* $(,)?) => {
            $(natives.set($name, Function::new(ctx.clone(), $function)?.with_name($name)?)?;)*
        };
    }
    define! {
        "fill" => random::fill,
        "uuid" => random::uuid,
        "copy" => copy,
        "digest" => digest,
        "hasher" => hasher,
        "timingSafeEqual" => timing_safe_equal,
        "secret" => secret,
        "secretBytes" => secret_bytes,
        "hmacSign" => hmac_sign,
        "hmacVerify" => hmac_verify,
        "aesGcm" => aes_gcm,
        "ecGenerate" => ec_generate,
        "ecImport" => ec_import,
        "ecImportJwk" => ec_import_jwk,
        "ecExport" => ec_export,
        "ecCoordinates" => ec_coordinates,
        "ecdsaSign" => ecdsa_sign,
        "ecdsaVerify" => ecdsa_verify,
    }
    Ok(natives)
}

/// The bytes of a `BufferSource` argument.
fn bytes<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Vec<u8>> {
    copy_of(ctx, value)?.ok_or_else(|| Exception::throw_type(ctx, "not a BufferSource"))
}

fn hash(ctx: &Ctx<'_>, name: &str) -> Result<Hash> {
    Hash::from_name(name).ok_or_else(|| {
        dom_exception(
            ctx,
            "NotSupportedError",
            "Unrecognized or unimplemented digest algorithm requested.",
        )
    })
}

fn dom_exception(ctx: &Ctx<'_>, name: &str, message: &str) -> rquickjs::Error {
    crate::web::dom_exception::throw(ctx, name, message)
}

fn buffer<'js>(ctx: &Ctx<'js>, bytes: Vec<u8>) -> Result<ArrayBuffer<'js>> {
    ArrayBuffer::new(ctx.clone(), bytes)
}

fn wrap<'js>(ctx: &Ctx<'js>, material: Material) -> Result<Class<'js, KeyMaterial>> {
    KeyMaterial::wrap(ctx, material)
}

/// The bytes of a secret key (the JavaScript layer only passes secret keys here).
fn secret_of(ctx: &Ctx<'_>, key: &KeyMaterial) -> Result<Vec<u8>> {
    match key.material() {
        Material::Secret(bytes) => Ok(bytes.clone()),
        _ => Err(Exception::throw_type(ctx, "not a secret key")),
    }
}

fn public_of(ctx: &Ctx<'_>, key: &KeyMaterial) -> Result<p256::PublicKey> {
    ecdsa::public_key(key.material())
        .ok_or_else(|| Exception::throw_type(ctx, "not an elliptic curve key"))
}

fn private_of(ctx: &Ctx<'_>, key: &KeyMaterial) -> Result<p256::SecretKey> {
    match key.material() {
        Material::EcPrivate(secret) => Ok(secret.clone()),
        _ => Err(Exception::throw_type(
            ctx,
            "not an elliptic curve private key",
        )),
    }
}

/// `copy(data)`: the bytes of a `BufferSource` as they are now, in a new `ArrayBuffer`.
fn copy<'js>(ctx: Ctx<'js>, data: Value<'js>) -> Result<ArrayBuffer<'js>> {
    buffer(&ctx, bytes(&ctx, &data)?)
}

/// `digest(hash, data)`: the digest as an `ArrayBuffer`.
fn digest<'js>(ctx: Ctx<'js>, name: String, data: Value<'js>) -> Result<ArrayBuffer<'js>> {
    let hash = hash(&ctx, &name)?;
    buffer(&ctx, hash.digest(&bytes(&ctx, &data)?))
}

/// `hasher(hash)`: an incremental digest, for `DigestStream`.
fn hasher(ctx: Ctx<'_>, name: String) -> Result<Class<'_, Hasher>> {
    let hash = hash(&ctx, &name)?;
    Class::instance(ctx, Hasher::new(hash))
}

/// `timingSafeEqual(a, b)` of two `BufferSource`s of the same length.
fn timing_safe_equal<'js>(ctx: Ctx<'js>, a: Value<'js>, b: Value<'js>) -> Result<bool> {
    Ok(bytes(&ctx, &a)?.ct_eq(&bytes(&ctx, &b)?).into())
}

/// `secret(data)`: a handle on the bytes of an HMAC or AES key.
fn secret<'js>(ctx: Ctx<'js>, data: Value<'js>) -> Result<Class<'js, KeyMaterial>> {
    let data = bytes(&ctx, &data)?;
    wrap(&ctx, Material::Secret(data))
}

/// `secretBytes(key)`: a copy of a secret key's bytes.
fn secret_bytes<'js>(ctx: Ctx<'js>, key: Class<'js, KeyMaterial>) -> Result<ArrayBuffer<'js>> {
    let data = secret_of(&ctx, &key.borrow())?;
    buffer(&ctx, data)
}

/// `hmacSign(key, hash, data)`
fn hmac_sign<'js>(
    ctx: Ctx<'js>,
    key: Class<'js, KeyMaterial>,
    hash_name: String,
    data: Value<'js>,
) -> Result<ArrayBuffer<'js>> {
    let secret = secret_of(&ctx, &key.borrow())?;
    let tag = hmac::sign(hash(&ctx, &hash_name)?, &secret, &bytes(&ctx, &data)?);
    buffer(&ctx, tag)
}

/// `hmacVerify(key, hash, signature, data)`
fn hmac_verify<'js>(
    ctx: Ctx<'js>,
    key: Class<'js, KeyMaterial>,
    hash_name: String,
    signature: Value<'js>,
    data: Value<'js>,
) -> Result<bool> {
    let secret = secret_of(&ctx, &key.borrow())?;
    let (signature, data) = (bytes(&ctx, &signature)?, bytes(&ctx, &data)?);
    Ok(hmac::verify(
        hash(&ctx, &hash_name)?,
        &secret,
        &signature,
        &data,
    ))
}

/// `aesGcm(key, encrypt, iv, additionalData, tagBytes, data)`: the sealed or opened data.
fn aes_gcm<'js>(
    ctx: Ctx<'js>,
    key: Class<'js, KeyMaterial>,
    encrypt: bool,
    iv: Value<'js>,
    aad: Value<'js>,
    tag_len: usize,
    data: Value<'js>,
) -> Result<ArrayBuffer<'js>> {
    let secret = secret_of(&ctx, &key.borrow())?;
    let (iv, aad, data) = (bytes(&ctx, &iv)?, bytes(&ctx, &aad)?, bytes(&ctx, &data)?);
    let result = if encrypt {
        aes_gcm::seal(&secret, &iv, &aad, tag_len, &data)
    } else {
        aes_gcm::open(&secret, &iv, &aad, tag_len, &data)
    };
    match result {
        Ok(out) => buffer(&ctx, out),
        Err(GcmError::KeyLength) => Err(Failure::operation("Invalid AES key length.").throw(&ctx)),
        Err(GcmError::Authentication) => {
            let length = data.len().saturating_sub(tag_len);
            Err(Failure::operation(format!(
                "Decryption failed. This could be due to a ciphertext authentication failure, \
                 bad padding, incorrect CryptoKey, or another algorithm-specific reason. Input \
                 length was {length}, output length expected to be {length} for AES-GCM"
            ))
            .throw(&ctx))
        }
    }
}

/// `ecGenerate()`: `[privateKey, publicKey]` handles of a fresh P-256 key pair.
fn ec_generate(ctx: Ctx<'_>) -> Result<Vec<Class<'_, KeyMaterial>>> {
    let private = ecdsa::generate(|| {
        random::bytes(&ctx, 32)
            .map_err(|_| Failure::operation("The system's random number generator failed."))
    })
    .map_err(|failure| failure.throw(&ctx))?;
    let public = ecdsa::public_key(&private).map(Material::EcPublic);
    let public = public.ok_or_else(|| Exception::throw_internal(&ctx, "no public key"))?;
    Ok(vec![wrap(&ctx, private)?, wrap(&ctx, public)?])
}

/// `ecImport(format, data)` for "raw" (public), "spki" (public) and "pkcs8" (private).
fn ec_import<'js>(
    ctx: Ctx<'js>,
    format: String,
    data: Value<'js>,
) -> Result<Class<'js, KeyMaterial>> {
    let data = bytes(&ctx, &data)?;
    let material = match format.as_str() {
        "raw" => ecdsa::import_raw(&data),
        "spki" => ecdsa::import_spki(&data),
        "pkcs8" => ecdsa::import_pkcs8(&data),
        _ => return Err(Exception::throw_type(&ctx, "unknown key format")),
    };
    wrap(&ctx, material.map_err(|failure| failure.throw(&ctx))?)
}

/// `ecImportJwk(x, y, d)` with the coordinates decoded (`d` undefined for a public key).
fn ec_import_jwk<'js>(
    ctx: Ctx<'js>,
    x: Value<'js>,
    y: Value<'js>,
    d: Value<'js>,
) -> Result<Class<'js, KeyMaterial>> {
    let d = match d.is_undefined() {
        true => None,
        false => Some(bytes(&ctx, &d)?),
    };
    let material = ecdsa::import_jwk(&bytes(&ctx, &x)?, &bytes(&ctx, &y)?, d.as_deref());
    wrap(&ctx, material.map_err(|failure| failure.throw(&ctx))?)
}

/// `ecExport(key, format)`: "raw" and "spki" of a public key, "pkcs8" of a private one.
fn ec_export<'js>(
    ctx: Ctx<'js>,
    key: Class<'js, KeyMaterial>,
    format: String,
) -> Result<ArrayBuffer<'js>> {
    let key = key.borrow();
    let exported = match format.as_str() {
        "raw" => Ok(ecdsa::export_raw(&public_of(&ctx, &key)?)),
        "spki" => ecdsa::export_spki(&public_of(&ctx, &key)?),
        "pkcs8" => ecdsa::export_pkcs8(&private_of(&ctx, &key)?),
        _ => return Err(Exception::throw_type(&ctx, "unknown key format")),
    };
    buffer(&ctx, exported.map_err(|failure| failure.throw(&ctx))?)
}

/// `ecCoordinates(key)`: `[x, y]` of a public key, `[x, y, d]` of a private one.
fn ec_coordinates<'js>(
    ctx: Ctx<'js>,
    key: Class<'js, KeyMaterial>,
) -> Result<Vec<ArrayBuffer<'js>>> {
    let key = key.borrow();
    let (x, y) = ecdsa::coordinates(&public_of(&ctx, &key)?);
    let mut parts = vec![buffer(&ctx, x)?, buffer(&ctx, y)?];
    if let Material::EcPrivate(secret) = key.material() {
        parts.push(buffer(&ctx, secret.to_bytes().to_vec())?);
    }
    Ok(parts)
}

/// `ecdsaSign(key, hash, data)`: the P1363 signature.
fn ecdsa_sign<'js>(
    ctx: Ctx<'js>,
    key: Class<'js, KeyMaterial>,
    hash_name: String,
    data: Value<'js>,
) -> Result<ArrayBuffer<'js>> {
    let secret = private_of(&ctx, &key.borrow())?;
    let signature = ecdsa::sign(&secret, hash(&ctx, &hash_name)?, &bytes(&ctx, &data)?);
    buffer(&ctx, signature.map_err(|failure| failure.throw(&ctx))?)
}

/// `ecdsaVerify(key, hash, signature, data)`
fn ecdsa_verify<'js>(
    ctx: Ctx<'js>,
    key: Class<'js, KeyMaterial>,
    hash_name: String,
    signature: Value<'js>,
    data: Value<'js>,
) -> Result<bool> {
    let public = public_of(&ctx, &key.borrow())?;
    let (signature, data) = (bytes(&ctx, &signature)?, bytes(&ctx, &data)?);
    Ok(ecdsa::verify(
        &public,
        hash(&ctx, &hash_name)?,
        &signature,
        &data,
    ))
}
