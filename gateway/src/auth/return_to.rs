//! `return_to` validation (docs/security.md line 1): a redirect target after sign-in or
//! sign-out must be a same-origin relative path. Anything a browser could read as another
//! origin (`//host`, `/\host`, schemes), anything with control characters or whitespace,
//! and the gateway's own reserved paths are refused, before and after percent-decoding.

#[cfg(test)]
mod tests;

use percent_encoding::percent_decode;

use super::AuthError;

/// Longest `return_to` accepted, in bytes.
pub const MAX_RETURN_TO_LEN: usize = 2048;

/// Paths the gateway owns on every site host; never a place to return to.
const RESERVED: &[&str] = &[
    "/.sitegate",
    "/signin-with-chatgpt",
    "/signout-with-chatgpt",
];

/// How many rounds of percent-decoding are examined (`%252F` → `%2F` → `/`).
const DECODE_ROUNDS: usize = 4;

/// Returns `raw` unchanged when it is a safe same-origin relative path (with an optional
/// query and fragment), ready to be sent as a `Location`; otherwise says why not.
pub fn validate_return_to(raw: &str) -> Result<String, AuthError> {
    let refuse = |why| Err(AuthError::ReturnTo(why));
    if raw.is_empty() {
        return refuse("empty");
    }
    if raw.len() > MAX_RETURN_TO_LEN {
        return refuse("too long");
    }
    if !raw.is_ascii() {
        return refuse("not ASCII (send it percent-encoded)");
    }
    check_escapes(raw.as_bytes())?;
    check_layer(raw.as_bytes(), true)?;
    let mut layer = raw.as_bytes().to_vec();
    for _ in 0..DECODE_ROUNDS {
        // A `%` that no longer starts an escape is a literal one (`%25` decoded): done.
        if !layer.contains(&b'%') || check_escapes(&layer).is_err() {
            return Ok(raw.to_string());
        }
        let decoded: Vec<u8> = percent_decode(&layer).collect();
        check_layer(&decoded, false)?;
        layer = decoded;
    }
    refuse("percent-encoded too many times")
}

/// The checks every layer (raw and each decoding) must pass. Whitespace is refused
/// anywhere in the raw value, and in the path part of decoded ones (a decoded query may
/// hold an encoded space); control characters are refused everywhere.
fn check_layer(s: &[u8], raw: bool) -> Result<(), AuthError> {
    let refuse = |why| Err(AuthError::ReturnTo(why));
    if s.first() != Some(&b'/') {
        return refuse("not a path starting with /");
    }
    if matches!(s.get(1), Some(b'/' | b'\\')) {
        return refuse("starts with // or /\\ (another host)");
    }
    let path_end = s
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .unwrap_or(s.len());
    if s.iter().any(u8::is_ascii_control) || has_unicode_control(s) {
        return refuse("control character");
    }
    let ws_scope = if raw { s } else { &s[..path_end] };
    if ws_scope.iter().any(|&b| b == b' ' || b == b'\\') || has_unicode_space(ws_scope) {
        return refuse("whitespace or backslash");
    }
    let path = &s[..path_end];
    let mut segments = path.split(|&b| b == b'/').skip(1).peekable();
    while let Some(seg) = segments.next() {
        if seg == b"." || seg == b".." {
            return refuse("dot segment");
        }
        if seg.is_empty() && segments.peek().is_some() {
            return refuse("empty path segment (//)");
        }
    }
    if is_reserved(path) {
        return refuse("reserved path");
    }
    Ok(())
}

/// C1 controls (U+0080–U+009F) in UTF-8.
fn has_unicode_control(s: &[u8]) -> bool {
    s.windows(2)
        .any(|w| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]))
}

/// Non-ASCII whitespace that some parsers trim (NBSP, U+2028, ideographic space, ...).
fn has_unicode_space(s: &[u8]) -> bool {
    String::from_utf8_lossy(s).chars().any(char::is_whitespace)
}

/// Every `%` must start a valid escape; a stray `%` means the value was not produced by
/// percent-encoding and is refused rather than guessed at.
fn check_escapes(s: &[u8]) -> Result<(), AuthError> {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            let ok = s
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !ok {
                return Err(AuthError::ReturnTo("malformed percent escape"));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// True for the gateway's own paths and anything under them, in any letter case.
pub fn is_reserved(path: &[u8]) -> bool {
    RESERVED.iter().any(|r| {
        let r = r.as_bytes();
        path.len() >= r.len()
            && path[..r.len()].eq_ignore_ascii_case(r)
            && matches!(path.get(r.len()), None | Some(b'/' | b';' | b'.'))
    })
}
