//! What an R2 bucket's storage does (`ObjectStore`), the records it keeps and the errors it
//! reports with R2's codes.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// The most keys `list` returns, and the most keys one `delete` takes.
pub(crate) const MAX_KEYS: usize = 1000;
/// The smallest part of a multipart upload (every part but the last).
pub(crate) const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

pub(crate) use crate::bindings::hex;

/// An R2 failure: its code and the text workerd gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct R2Error {
    /// R2's error code (10001 internal, 10007 no such key, ...).
    pub(crate) code: u32,
    /// What the error says.
    pub(crate) message: String,
}

impl R2Error {
    fn new(code: u32, message: &str) -> R2Error {
        R2Error {
            code,
            message: message.to_string(),
        }
    }
    /// Storage failed (the cause is logged, not shown).
    pub(crate) fn internal(cause: &dyn std::fmt::Display) -> R2Error {
        tracing::warn!(%cause, "r2 storage failure");
        R2Error::new(10001, "We encountered an internal error. Please try again.")
    }
    /// The checksum given with a put did not match the body (`algorithm` as R2 names it:
    /// `MD5`, `SHA-1`, ...).
    pub(crate) fn bad_digest(algorithm: &str, given: &str, actual: &str) -> R2Error {
        R2Error {
            code: 10037,
            message: format!(
                "The {algorithm} checksum you specified did not match what we received.\nYou provided a {algorithm} checksum with value: {given}\nActual {algorithm} was: {actual}"
            ),
        }
    }
    /// A range outside the object.
    pub(crate) fn invalid_range() -> R2Error {
        R2Error::new(10039, "The requested range is not satisfiable")
    }
    /// A multipart upload that was completed or aborted (or belongs to another key).
    pub(crate) fn no_such_upload() -> R2Error {
        R2Error::new(10024, "The specified multipart upload does not exist.")
    }
    /// A part listed in `complete` that was not uploaded (or not with that etag).
    pub(crate) fn invalid_part() -> R2Error {
        R2Error::new(
            10025,
            "One or more of the specified parts could not be found.",
        )
    }
    /// A part (not the last) under `MIN_PART_SIZE`.
    pub(crate) fn entity_too_small() -> R2Error {
        R2Error::new(
            10011,
            "Your proposed upload is smaller than the minimum allowed object size.",
        )
    }
    /// Parts of unequal sizes, or a last part larger than the others.
    pub(crate) fn bad_upload() -> R2Error {
        R2Error::new(10048, "There was a problem with the multipart upload.")
    }
    /// An upload id R2 never issued, or a part number listed twice: R2 answers these with
    /// its internal error.
    pub(crate) fn unknown_upload() -> R2Error {
        R2Error::new(10001, "We encountered an internal error. Please try again.")
    }
}

/// An object's HTTP metadata and custom metadata, as the worker gave them.
pub(crate) type Fields = BTreeMap<String, String>;

/// What a stored object is, without its bytes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Meta {
    pub(crate) key: String,
    pub(crate) version: String,
    pub(crate) size: u64,
    pub(crate) etag: String,
    /// Milliseconds since the epoch.
    pub(crate) uploaded: i64,
    pub(crate) http_metadata: Fields,
    pub(crate) custom_metadata: Fields,
    /// Hex digests by algorithm (`md5`, `sha256`, ...).
    pub(crate) checksums: Fields,
    /// The part of the object a `get` returned, or all of it for `head`: `(offset, length)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) range: Option<(u64, u64)>,
}

/// One entity tag of a precondition, as workerd sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub(crate) enum Etag {
    /// `"value"`: matches that etag.
    Strong { value: String },
    /// `W/"value"`: matches that etag where a weak comparison is allowed (`If-None-Match`).
    Weak { value: String },
    /// `*`: matches any object.
    Wildcard,
}

/// Whether `etag` is in `list` (weak tags count only when `weak` comparison is allowed).
fn includes(list: &[Etag], etag: &str, weak: bool) -> bool {
    list.iter().any(|tag| match tag {
        Etag::Wildcard => true,
        Etag::Strong { value } => value == etag,
        Etag::Weak { value } => weak && value == etag,
    })
}

/// Preconditions on an object (`onlyIf`), with dates in milliseconds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Conditions {
    pub(crate) etag_matches: Option<Vec<Etag>>,
    pub(crate) etag_does_not_match: Option<Vec<Etag>>,
    pub(crate) uploaded_before: Option<i64>,
    pub(crate) uploaded_after: Option<i64>,
    /// Dates compared to the second (conditions from HTTP headers).
    #[serde(default)]
    pub(crate) seconds_granularity: bool,
}

impl Conditions {
    /// Whether the object `meta` (or a missing object) meets the conditions, as R2 judges
    /// them: an etag match overrides the date test next to it, and dates compare strictly.
    pub(crate) fn hold(&self, meta: Option<&Meta>) -> bool {
        let Some(meta) = meta else {
            return self.etag_matches.is_none() && self.uploaded_after.is_none();
        };
        let time = |ms: i64| {
            if self.seconds_granularity {
                ms.div_euclid(1000) * 1000
            } else {
                ms
            }
        };
        let uploaded = time(meta.uploaded);
        let if_match = self
            .etag_matches
            .as_ref()
            .is_none_or(|list| includes(list, &meta.etag, false));
        let if_none_match = self
            .etag_does_not_match
            .as_ref()
            .is_none_or(|list| !includes(list, &meta.etag, true));
        let modified_since = self
            .uploaded_after
            .is_none_or(|after| time(after) < uploaded)
            || (self.etag_does_not_match.is_some() && if_none_match);
        let unmodified_since = self
            .uploaded_before
            .is_none_or(|before| uploaded < time(before))
            || (self.etag_matches.is_some() && if_match);
        if_match && if_none_match && modified_since && unmodified_since
    }
}

/// Which bytes of an object a `get` wants: an offset and length or a suffix (checked to be
/// whole and not negative by `js/r2.js`), or a `Range` header.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RangeSpec {
    pub(crate) offset: Option<u64>,
    pub(crate) length: Option<u64>,
    pub(crate) suffix: Option<u64>,
    pub(crate) header: Option<String>,
}

impl RangeSpec {
    /// The `(offset, length)` this range covers of an object of `size` bytes, as R2 reads
    /// it: a length past the end is cut short, an empty range is not satisfiable, and a
    /// `Range` header it cannot serve as one range means the whole object.
    pub(crate) fn resolve(&self, size: u64) -> Result<(u64, u64), R2Error> {
        if let Some(header) = &self.header {
            return Ok(match header_range(header, size).as_deref() {
                Some([one]) => *one,
                _ => (0, size),
            });
        }
        let (offset, length) = match self.suffix {
            Some(0) => return Err(R2Error::invalid_range()),
            Some(suffix) => {
                let suffix = suffix.min(size);
                (size - suffix, Some(suffix))
            }
            None => (self.offset.unwrap_or(0), self.length),
        };
        if offset > size {
            return Err(R2Error::invalid_range());
        }
        let length = length.unwrap_or(size - offset);
        if length == 0 {
            return Err(R2Error::invalid_range());
        }
        Ok((offset, length.min(size - offset)))
    }
}

/// The ranges of a `Range` header (`bytes=a-b, c-, -n`) within `size` bytes; `None` when
/// the header is not a byte range R2 can satisfy.
fn header_range(header: &str, size: u64) -> Option<Vec<(u64, u64)>> {
    let rest = header.trim_start_matches(' ');
    let unit = rest.get(..5).filter(|u| u.eq_ignore_ascii_case("bytes"))?;
    let rest = rest[unit.len()..]
        .trim_start_matches(' ')
        .strip_prefix('=')?;
    if rest.trim_start().is_empty() {
        return Some(Vec::new());
    }
    let number = |text: &str| -> Option<Option<u64>> {
        let text = text.trim_matches(' ');
        if text.is_empty() {
            return Some(None);
        }
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())
    };
    let mut ranges = Vec::new();
    for part in rest.split(',') {
        let (start, end) = part.split_once('-')?;
        match (number(start)?, number(end)?) {
            (Some(start), Some(end)) => {
                if start > end || start >= size {
                    return None;
                }
                ranges.push((start, end.min(size - 1) - start + 1));
            }
            (Some(start), None) => {
                if start >= size {
                    return None;
                }
                ranges.push((start, size - start));
            }
            (None, Some(suffix)) => {
                if suffix >= size {
                    return Some(Vec::new());
                }
                if suffix > 0 {
                    ranges.push((size - suffix, suffix));
                }
            }
            (None, None) => return None,
        }
    }
    Some(ranges)
}

/// What a put stores besides the bytes, and the checksum to verify them against.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewObject {
    pub(crate) http_metadata: Fields,
    pub(crate) custom_metadata: Fields,
    /// `(algorithm, hex digest)` the body must have.
    pub(crate) checksum: Option<(String, String)>,
}

/// What `list` asks for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListOptions {
    pub(crate) prefix: Option<String>,
    pub(crate) delimiter: Option<String>,
    pub(crate) cursor: Option<String>,
    pub(crate) start_after: Option<String>,
    pub(crate) limit: Option<usize>,
}

/// One page of a listing; `cursor` (set when truncated) is the base64 of the last key.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Listing {
    pub(crate) objects: Vec<Meta>,
    pub(crate) delimited_prefixes: Vec<String>,
    pub(crate) truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cursor: Option<String>,
}

/// What a `get` found: nothing, the object without its body (a precondition failed), or the
/// object and the bytes of the range asked for.
pub(crate) enum Found {
    Missing,
    Unmet(Meta),
    Body(Meta, Bytes),
}

/// A bucket's storage.
pub(crate) trait ObjectStore: Send + Sync {
    /// The object under `key`, if any.
    fn head(&self, key: &str) -> Result<Option<Meta>, R2Error>;
    /// The object under `key` and its bytes in `range`, if `conditions` hold.
    fn get(
        &self,
        key: &str,
        conditions: &Conditions,
        range: Option<&RangeSpec>,
    ) -> Result<Found, R2Error>;
    /// Stores `body` under `key` if `conditions` hold (else `None`).
    fn put(
        &self,
        key: &str,
        body: Bytes,
        object: &NewObject,
        conditions: &Conditions,
    ) -> Result<Option<Meta>, R2Error>;
    /// Removes the objects under `keys` (missing ones are ignored).
    fn delete(&self, keys: &[String]) -> Result<(), R2Error>;
    /// One page of the objects, in key order.
    fn list(&self, options: &ListOptions) -> Result<Listing, R2Error>;
    /// Starts a multipart upload to `key`; returns its id.
    fn create_multipart(&self, key: &str, object: &NewObject) -> Result<String, R2Error>;
    /// Stores part `number` of upload `upload`; returns the part's etag.
    fn upload_part(
        &self,
        key: &str,
        upload: &str,
        number: u32,
        body: Bytes,
    ) -> Result<String, R2Error>;
    /// Drops upload `upload` and its parts (nothing to do if it is already finished).
    fn abort_multipart(&self, key: &str, upload: &str) -> Result<(), R2Error>;
    /// Joins the listed `(part number, etag)` parts of `upload` into the object under `key`.
    fn complete_multipart(
        &self,
        key: &str,
        upload: &str,
        parts: &[(u32, String)],
    ) -> Result<Meta, R2Error>;
}
