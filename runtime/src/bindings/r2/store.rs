//! What an R2 bucket's storage does (`ObjectStore`), the records it keeps and the errors it
//! reports with R2's codes.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// The most keys `list` returns, and the most keys one `delete` takes.
pub(crate) const MAX_KEYS: usize = 1000;
/// The smallest part of a multipart upload (every part but the last).
pub(crate) const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

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
    /// The checksum given with a put did not match the body.
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
        R2Error::new(10039, "The requested range is not satisfiable.")
    }
    /// An unknown multipart upload.
    pub(crate) fn no_such_upload() -> R2Error {
        R2Error::new(10024, "The specified multipart upload does not exist.")
    }
    /// A part listed in `complete` that was not uploaded.
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
    /// The part of the object a `get` returned: `(offset, length)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) range: Option<(u64, u64)>,
}

/// Preconditions on an object (`onlyIf`), with dates in milliseconds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Conditions {
    pub(crate) etag_matches: Option<Vec<String>>,
    pub(crate) etag_does_not_match: Option<Vec<String>>,
    pub(crate) uploaded_before: Option<i64>,
    pub(crate) uploaded_after: Option<i64>,
}

impl Conditions {
    /// Whether the object `meta` (or a missing object) meets the conditions, as R2 judges
    /// them (dates to the second; an etag match overrides the date test next to it).
    pub(crate) fn hold(&self, meta: Option<&Meta>) -> bool {
        let Some(meta) = meta else {
            return self.etag_matches.is_none();
        };
        let matches = |list: &Vec<String>| list.iter().any(|e| e == "*" || *e == meta.etag);
        let if_match = self.etag_matches.as_ref().map(matches);
        let if_none_match = self.etag_does_not_match.as_ref().map(matches);
        if if_match == Some(false) || if_none_match == Some(true) {
            return false;
        }
        let seconds = meta.uploaded.div_euclid(1000);
        if if_match != Some(true) {
            if let Some(before) = self.uploaded_before {
                if seconds > before.div_euclid(1000) {
                    return false;
                }
            }
        }
        if if_none_match != Some(false) {
            if let Some(after) = self.uploaded_after {
                if seconds < after.div_euclid(1000) {
                    return false;
                }
            }
        }
        true
    }
}

/// Which bytes of an object a `get` wants.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RangeSpec {
    pub(crate) offset: Option<u64>,
    pub(crate) length: Option<u64>,
    pub(crate) suffix: Option<u64>,
}

impl RangeSpec {
    /// The `(offset, length)` this range covers of an object of `size` bytes.
    pub(crate) fn resolve(&self, size: u64) -> Result<(u64, u64), R2Error> {
        if let Some(suffix) = self.suffix {
            let length = suffix.min(size);
            return Ok((size - length, length));
        }
        let offset = self.offset.unwrap_or(0);
        if offset > size {
            return Err(R2Error::invalid_range());
        }
        let length = self.length.unwrap_or(size - offset);
        if offset.checked_add(length).is_none_or(|end| end > size) {
            return Err(R2Error::invalid_range());
        }
        Ok((offset, length))
    }
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

/// One page of a listing.
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
        range: Option<RangeSpec>,
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
    /// Drops upload `upload` and its parts.
    fn abort_multipart(&self, key: &str, upload: &str) -> Result<(), R2Error>;
    /// Joins the listed `(part number, etag)` parts of `upload` into the object under `key`.
    fn complete_multipart(
        &self,
        key: &str,
        upload: &str,
        parts: &[(u32, String)],
    ) -> Result<Meta, R2Error>;
}
