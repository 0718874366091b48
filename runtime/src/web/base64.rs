//! `atob` and `btoa` (HTML): forgiving-base64 decoding to a binary string and base64 encoding
//! of a Latin-1 string; bad input throws `DOMException` `InvalidCharacterError` with workerd's
//! messages.

#[cfg(test)]
mod tests;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};
use rquickjs::convert::Coerced;
use rquickjs::function::Opt;
use rquickjs::{Ctx, Exception, FromJs, Function, Result, Value};

use super::dom_exception;

const BAD_BASE64: &str = "atob() called with invalid base64-encoded data. (Only whitespace, '+', '/', alphanumeric ASCII, and up to two terminal '=' signs when the input data length is divisible by 4 are allowed.)";
const NOT_LATIN1: &str =
    "btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range.";

/// Standard alphabet, no padding expected (it is removed first), stray low bits accepted.
const FORGIVING: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Defines `atob` and `btoa`.
pub fn install(ctx: &Ctx<'_>) -> Result<()> {
    let globals = ctx.globals();
    globals.set("atob", Function::new(ctx.clone(), atob)?.with_name("atob")?)?;
    globals.set("btoa", Function::new(ctx.clone(), btoa)?.with_name("btoa")?)
}

/// The string `ToString(value)` of a required argument.
fn required<'js>(
    ctx: &Ctx<'js>,
    value: Opt<Value<'js>>,
    missing: &str,
) -> Result<rquickjs::String<'js>> {
    match value.0 {
        Some(value) => Ok(Coerced::<rquickjs::String>::from_js(ctx, value)?.0),
        None => Err(Exception::throw_type(ctx, missing)),
    }
}

/// The forgiving-base64 decode of `data`, or `None` where the standard says failure.
pub fn forgiving_decode(data: &str) -> Option<Vec<u8>> {
    let mut compact: Vec<u8> = data
        .bytes()
        .filter(|b| !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' '))
        .collect();
    if compact.len().is_multiple_of(4) {
        for _ in 0..2 {
            if compact.last() == Some(&b'=') {
                compact.pop();
            }
        }
    }
    if compact.len() % 4 == 1 {
        return None;
    }
    FORGIVING.decode(&compact).ok()
}

/// `atob(data)`: each decoded byte becomes one character.
fn atob<'js>(ctx: Ctx<'js>, data: Opt<Value<'js>>) -> Result<String> {
    let data = required(
        &ctx,
        data,
        "Failed to execute 'atob' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'string'.",
    )?;
    // A string that is not valid UTF-8 holds lone surrogates, which are not base64 either.
    let decoded = data
        .to_string()
        .ok()
        .and_then(|data| forgiving_decode(&data))
        .ok_or_else(|| dom_exception::throw(&ctx, "InvalidCharacterError", BAD_BASE64))?;
    Ok(decoded.into_iter().map(char::from).collect())
}

/// `btoa(data)`: base64 of the bytes a Latin-1 string stands for.
fn btoa<'js>(ctx: Ctx<'js>, data: Opt<Value<'js>>) -> Result<String> {
    let data = required(
        &ctx,
        data,
        "Failed to execute 'btoa' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'String'.",
    )?;
    let latin1: Option<Vec<u8>> = data
        .to_string()
        .ok()
        .and_then(|data| data.chars().map(|c| u8::try_from(c).ok()).collect());
    let bytes =
        latin1.ok_or_else(|| dom_exception::throw(&ctx, "InvalidCharacterError", NOT_LATIN1))?;
    Ok(STANDARD.encode(bytes))
}
