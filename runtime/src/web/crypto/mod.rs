//! Web Crypto (`crypto`, `crypto.subtle`, `CryptoKey`) as workerd has it. The algorithms and
//! the key material are native (`internal.crypto`, see `natives`); the WebIDL layer (argument
//! checks, algorithm normalization, usages, JWK, promises and workerd's errors) is the prelude
//! files `crypto_keys.js` (keys and algorithms) and `crypto.js` (`crypto`, `crypto.subtle`).

mod aes_gcm;
mod digest;
mod ecdsa;
mod hasher;
mod hmac;
mod key;
mod natives;
mod random;
#[cfg(test)]
mod tests;

use rquickjs::{Ctx, Error, Object, Result};

use super::dom_exception;

/// Puts the natives on `internal.crypto`.
pub fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>) -> Result<()> {
    internal.set("crypto", natives::object(ctx)?)
}

/// A failed operation: the `DOMException` name and message it rejects with.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    name: &'static str,
    message: String,
}

impl Failure {
    /// A `DataError` (the key data is malformed).
    pub fn data(message: impl Into<String>) -> Failure {
        Failure {
            name: "DataError",
            message: message.into(),
        }
    }

    /// An `OperationError` (the operation failed on well-formed input).
    pub fn operation(message: impl Into<String>) -> Failure {
        Failure {
            name: "OperationError",
            message: message.into(),
        }
    }

    /// Throws the failure as a `DOMException`.
    pub fn throw(self, ctx: &Ctx<'_>) -> Error {
        dom_exception::throw(ctx, self.name, &self.message)
    }
}

/// Throws an `OperationError` with `message`.
fn operation_error(ctx: &Ctx<'_>, message: &str) -> Error {
    Failure::operation(message).throw(ctx)
}
