//! The byte work behind `node:buffer`, in Rust because it would be slow in JavaScript: strings
//! to bytes and back in Node's encodings (utf8, hex, base64, base64url, latin1, ascii,
//! utf16le, with Node's leniency on bad input), and comparing and searching bytes. The
//! JavaScript side names encodings canonically before calling in.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use memchr::memmem;
use rquickjs::{Ctx, Exception, Function, Object, Result, TypedArray, Value};

use crate::web::strings::usv_string;

/// Defines `internal.bufferCodec`.
pub(crate) fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>) -> Result<()> {
    let codec = Object::new(ctx.clone())?;
    codec.set("decode", Function::new(ctx.clone(), decode)?)?;
    codec.set("encode", Function::new(ctx.clone(), encode)?)?;
    codec.set("compare", Function::new(ctx.clone(), compare)?)?;
    codec.set("indexOf", Function::new(ctx.clone(), index_of)?)?;
    internal.set("bufferCodec", codec)
}

/// The bytes a `Uint8Array` shows, for the length of `f` (no JavaScript runs meanwhile).
fn with_bytes<'js, R>(view: &TypedArray<'js, u8>, f: impl FnOnce(&[u8]) -> R) -> R {
    // SAFETY: the slice lives only inside `f`, which runs no JavaScript, so the buffer can
    // be neither detached nor resized while it is borrowed.
    f(unsafe { view.as_bytes() }.unwrap_or_default())
}

/// The bytes of `text` in `encoding`.
fn decode<'js>(ctx: Ctx<'js>, text: Value<'js>, encoding: String) -> Result<TypedArray<'js, u8>> {
    let text = usv_string(&ctx, text)?;
    let bytes = match encoding.as_str() {
        "utf8" => text.into_bytes(),
        "hex" => from_hex(&text),
        "base64" | "base64url" => from_base64(&text),
        "latin1" | "ascii" => text.encode_utf16().map(|unit| unit as u8).collect(),
        "utf16le" => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        other => return Err(unknown(&ctx, other)),
    };
    TypedArray::new(ctx, bytes)
}

/// The text of `view` in `encoding`.
fn encode<'js>(ctx: Ctx<'js>, view: TypedArray<'js, u8>, encoding: String) -> Result<String> {
    with_bytes(&view, |bytes| match encoding.as_str() {
        "utf8" => Ok(String::from_utf8_lossy(bytes).into_owned()),
        "hex" => Ok(bytes.iter().map(|b| format!("{b:02x}")).collect()),
        "base64" => Ok(STANDARD.encode(bytes)),
        "base64url" => Ok(URL_SAFE_NO_PAD.encode(bytes)),
        "latin1" => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        "ascii" => Ok(bytes.iter().map(|&b| char::from(b & 0x7f)).collect()),
        "utf16le" => {
            let units = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
            Ok(char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect())
        }
        other => Err(unknown(&ctx, other)),
    })
}

fn unknown(ctx: &Ctx<'_>, encoding: &str) -> rquickjs::Error {
    Exception::throw_type(ctx, &format!("Unknown encoding: {encoding}"))
}

/// Hex digits in pairs, up to the first pair that is not one (as Node reads them).
fn from_hex(text: &str) -> Vec<u8> {
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    text.as_bytes()
        .chunks_exact(2)
        .map_while(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// Base64 in either alphabet, skipping characters of neither, up to the first `=`.
fn from_base64(text: &str) -> Vec<u8> {
    let sextet = |b: u8| match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for value in text.bytes().take_while(|&b| b != b'=').filter_map(sextet) {
        acc = acc << 6 | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// -1, 0 or 1 as `a` sorts before, with or after `b`, byte by byte.
fn compare<'js>(a: TypedArray<'js, u8>, b: TypedArray<'js, u8>) -> i32 {
    with_bytes(&a, |a| with_bytes(&b, |b| a.cmp(b) as i32))
}

/// Where `needle` first occurs in `haystack` at or after `from` (or, with `last`, last
/// occurs at or before it); -1 if nowhere.
fn index_of<'js>(
    haystack: TypedArray<'js, u8>,
    needle: TypedArray<'js, u8>,
    from: i64,
    last: bool,
) -> i64 {
    with_bytes(&haystack, |hay| {
        with_bytes(&needle, |needle| {
            let len = hay.len() as i64;
            let from = if from < 0 { (len + from).max(0) } else { from };
            if needle.is_empty() {
                return from.min(len);
            }
            let from = from as usize;
            let found = if last {
                let end = from.saturating_add(needle.len()).min(hay.len());
                memmem::rfind(&hay[..end], needle)
            } else {
                hay.get(from..)
                    .and_then(|rest| memmem::find(rest, needle))
                    .map(|at| at + from)
            };
            found.map_or(-1, |at| at as i64)
        })
    })
}
