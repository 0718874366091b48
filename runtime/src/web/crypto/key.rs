//! Key material behind a `CryptoKey`: a native object with nothing on it that JavaScript can
//! read. The JavaScript layer keeps it out of reach of site code and hands it back to the
//! natives, which alone look inside.

use p256::{PublicKey, SecretKey};
use rquickjs::class::Trace;
use rquickjs::{Class, Ctx, JsLifetime, Result};

/// What a key holds.
pub enum Material {
    /// The bytes of an HMAC or AES key.
    Secret(Vec<u8>),
    /// A P-256 private key (its public key is derived from it).
    EcPrivate(SecretKey),
    /// A P-256 public key.
    EcPublic(PublicKey),
}

/// The opaque handle JavaScript holds for a key's material.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub struct KeyMaterial {
    #[qjs(skip_trace)]
    material: Material,
}

impl KeyMaterial {
    /// A new handle on `material`.
    pub fn wrap<'js>(ctx: &Ctx<'js>, material: Material) -> Result<Class<'js, KeyMaterial>> {
        Class::instance(ctx.clone(), KeyMaterial { material })
    }

    /// The material.
    pub fn material(&self) -> &Material {
        &self.material
    }
}
