//! HTTP headers as they cross between Rust and JavaScript: a header map becomes an array of
//! `[name, value]` pairs for the JavaScript side and such an array becomes a header map again.
//! Header values are bytes; JavaScript sees them as byte strings (each byte one character,
//! U+0000 to U+00FF: the Fetch standard's `ByteString`), wherever the headers come from.

#[cfg(test)]
mod tests;

use http::{HeaderMap, HeaderName, HeaderValue};
use rquickjs::{Array, Ctx, Exception, Result};

/// `headers` as `[[name, value], ...]`, values as byte strings, in the map's order.
pub(crate) fn header_pairs<'js>(ctx: &Ctx<'js>, headers: &HeaderMap) -> Result<Array<'js>> {
    let pairs = Array::new(ctx.clone())?;
    for (i, (name, value)) in headers.iter().enumerate() {
        let pair = Array::new(ctx.clone())?;
        pair.set(0, name.as_str())?;
        pair.set(1, byte_string(value))?;
        pairs.set(i, pair)?;
    }
    Ok(pairs)
}

/// `[[name, value], ...]` as a header map; names and values the HTTP layer cannot carry are a
/// `TypeError`. A value that is a byte string gives one byte per character; one with a
/// character past U+00FF gives its UTF-8.
pub(crate) fn header_map<'js>(ctx: &Ctx<'js>, pairs: &Array<'js>) -> Result<HeaderMap> {
    let mut map = HeaderMap::with_capacity(pairs.len());
    for pair in pairs.iter::<Array>() {
        let pair = pair?;
        let name: String = pair.get(0)?;
        let value: String = pair.get(1)?;
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&value_bytes(value)),
        ) else {
            return Err(Exception::throw_type(
                ctx,
                &format!("Invalid header: {name}"),
            ));
        };
        map.append(name, value);
    }
    Ok(map)
}

/// A header value as a byte string: each byte one character.
fn byte_string(value: &HeaderValue) -> String {
    value.as_bytes().iter().map(|&b| char::from(b)).collect()
}

/// The bytes of a header value JavaScript gave: one per character of a byte string, else
/// the UTF-8 of the text.
fn value_bytes(value: String) -> Vec<u8> {
    if value.chars().all(|c| u32::from(c) < 256) {
        value.chars().map(|c| c as u8).collect()
    } else {
        value.into_bytes()
    }
}
