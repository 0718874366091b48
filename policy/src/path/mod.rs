//! Request path normalization (docs/security.md line 14) and path-rule patterns.
//!
//! A path is normalized once; the same [`NormalizedPath`] is judged by the rules and sent
//! to the backend, so no spelling of a path can move a request into or out of a rule.

mod pattern;
#[cfg(test)]
mod tests;

use std::fmt;

pub use pattern::{PathCase, PathPattern};

/// Longest raw path accepted, in bytes.
pub const MAX_PATH_LEN: usize = 8192;

/// A request path in its one canonical form: starts with `/`, no empty, `.` or `..`
/// segments, unreserved characters decoded, other escapes in upper-case hex, ASCII only.
///
/// Only [`normalize_path`] makes one, so a rule can never be judged against a raw path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NormalizedPath(String);

impl NormalizedPath {
    /// The normalized path.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Takes the normalized path out.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for NormalizedPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for NormalizedPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Why a request path was refused. The gateway answers these with 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path does not start with `/`.
    #[error("path does not start with \"/\"")]
    NotAbsolute,
    /// `%2F` would smuggle a slash past segment-based rules.
    #[error("path contains an encoded slash (%2F)")]
    EncodedSlash,
    /// `%5C` is a slash to some backends.
    #[error("path contains an encoded backslash (%5C)")]
    EncodedBackslash,
    /// `\` is a slash to some backends.
    #[error("path contains a backslash")]
    Backslash,
    /// NUL or another control character, raw or percent-encoded.
    #[error("path contains a control character")]
    ControlChar,
    /// `%` not followed by two hex digits.
    #[error("path contains a malformed percent-escape")]
    BadPercentEncoding,
    /// A raw byte outside ASCII; clients must percent-encode it.
    #[error("path contains a character that is not percent-encoded")]
    NonAscii,
    /// `?` or `#`: the query must be split off before, and fragments are never sent.
    #[error("path contains \"?\" or \"#\"")]
    QueryOrFragment,
    /// Longer than [`MAX_PATH_LEN`].
    #[error("path is too long")]
    TooLong,
    /// `;` (raw or `%3B`): servlet containers and Spring read what follows as a path
    /// parameter and drop it, so `/admin;x/` is `/admin/` to them.
    #[error("path contains \";\"")]
    Semicolon,
    /// `%3F` or `%23`: a `?` or `#` to a backend that decodes the path once more.
    #[error("path contains an encoded \"?\" or \"#\" (%3F, %23)")]
    EncodedQueryOrFragment,
    /// `%25` and two hex digits: `%2561` is `a` to a backend that decodes twice.
    #[error("path contains a double percent-escape (%25 followed by hex)")]
    DoubleEncoding,
    /// A segment ending in `.` or a space: Windows, IIS and ASP.NET drop them, so
    /// `/admin./` and `/admin%20/` are `/admin/` there.
    #[error("path has a segment ending in a dot or a space")]
    TrailingDotOrSpace,
}

/// Refuses the spellings of a normalized path that common backends read as another path
/// than the one the rules judged (see docs/rbac.md, "Path rules"): `;` (raw or `%3B`), `%3F`,
/// `%23`, `%25` followed by two hex digits, and segments ending in `.` or a space (raw or
/// `%20`). Sites with path rules refuse these with 400; control characters, encoded slashes
/// and the like are already refused by [`normalize_path`].
pub fn check_unambiguous(path: &NormalizedPath) -> Result<(), PathError> {
    let bytes = path.as_str().as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let escape = match b {
            b'%' => bytes.get(i + 1..i + 3),
            _ => None,
        };
        match (b, escape) {
            (b';', _) | (_, Some(b"3B")) => return Err(PathError::Semicolon),
            (_, Some(b"3F" | b"23")) => return Err(PathError::EncodedQueryOrFragment),
            (_, Some(b"25")) if starts_with_escape(&bytes[i + 3..]) => {
                return Err(PathError::DoubleEncoding)
            }
            _ => {}
        }
    }
    let trailing = |seg: &str| seg.ends_with(['.', ' ']) || seg.ends_with("%20");
    if path.as_str().split('/').any(trailing) {
        return Err(PathError::TrailingDotOrSpace);
    }
    Ok(())
}

/// True when `rest` (what follows a `%25`) starts with two hex digits.
fn starts_with_escape(rest: &[u8]) -> bool {
    matches!(rest, [hi, lo, ..] if hex(*hi).is_some() && hex(*lo).is_some())
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Normalizes a request path (without its query string).
///
/// Decodes percent-encoded unreserved characters (so `%2e%2e` is `..` and `%61` is `a`),
/// upper-cases the hex of every other escape, collapses `//`, resolves `.` and `..`
/// segments (never above the root) and keeps a trailing `/`. Refuses encoded slashes and
/// backslashes, raw backslashes, control characters (raw or encoded), malformed escapes,
/// raw non-ASCII, `?` and `#`.
pub fn normalize_path(raw: &str) -> Result<NormalizedPath, PathError> {
    if raw.len() > MAX_PATH_LEN {
        return Err(PathError::TooLong);
    }
    if !raw.starts_with('/') {
        return Err(PathError::NotAbsolute);
    }
    let decoded = decode(raw.as_bytes())?;
    Ok(NormalizedPath(resolve_segments(&decoded)))
}

fn decode(bytes: &[u8]) -> Result<String, PathError> {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex);
                let lo = bytes.get(i + 2).copied().and_then(hex);
                let (Some(hi), Some(lo)) = (hi, lo) else {
                    return Err(PathError::BadPercentEncoding);
                };
                let v = hi * 16 + lo;
                match v {
                    b'/' => return Err(PathError::EncodedSlash),
                    b'\\' => return Err(PathError::EncodedBackslash),
                    0..=0x1f | 0x7f => return Err(PathError::ControlChar),
                    v if is_unreserved(v) => out.push(char::from(v)),
                    v => {
                        const HEX: &[u8; 16] = b"0123456789ABCDEF";
                        out.push('%');
                        out.push(char::from(HEX[usize::from(v >> 4)]));
                        out.push(char::from(HEX[usize::from(v & 0xf)]));
                    }
                }
                i += 3;
            }
            b'\\' => return Err(PathError::Backslash),
            0..=0x1f | 0x7f => return Err(PathError::ControlChar),
            b'?' | b'#' => return Err(PathError::QueryOrFragment),
            0x80..=0xff => return Err(PathError::NonAscii),
            _ => {
                out.push(char::from(b));
                i += 1;
            }
        }
    }
    Ok(out)
}

fn resolve_segments(decoded: &str) -> String {
    let mut segs: Vec<&str> = Vec::new();
    let mut trailing = false;
    for seg in decoded.split('/').skip(1) {
        trailing = true;
        match seg {
            "" => {}
            "." => {}
            ".." => {
                segs.pop();
            }
            s => {
                segs.push(s);
                trailing = false;
            }
        }
    }
    let mut out = String::with_capacity(decoded.len());
    for s in &segs {
        out.push('/');
        out.push_str(s);
    }
    if out.is_empty() || trailing {
        out.push('/');
    }
    out
}
