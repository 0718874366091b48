//! Completing a multipart upload as R2 does: which stored parts the listed ones are, the
//! size rules they must keep, and the object's etag (`<md5 of the parts' md5s>-<count>`).

use md5::{Digest, Md5};

use super::store::{hex, R2Error, MIN_PART_SIZE};

/// A stored part of an upload; its etag is the md5 of its bytes, in hex.
pub(crate) struct Part {
    pub(crate) number: u32,
    pub(crate) size: u64,
    pub(crate) etag: String,
}

/// The stored parts that `listed` (`(part number, etag)` pairs, as `complete` got them) name,
/// in part-number order. Each must have been uploaded with that etag, a number may not be
/// listed twice, every part but the last (as listed, then in order) must hold at least
/// `MIN_PART_SIZE` bytes, and those parts must be of one size that the last does not exceed.
pub(crate) fn choose<'p>(
    stored: &'p [Part],
    listed: &[(u32, String)],
) -> Result<Vec<&'p Part>, R2Error> {
    for (i, (number, _)) in listed.iter().enumerate() {
        if listed[..i].iter().any(|(n, _)| n == number) {
            return Err(R2Error::unknown_upload());
        }
    }
    let mut chosen = listed
        .iter()
        .map(|(number, etag)| {
            stored
                .iter()
                .find(|p| p.number == *number && p.etag == *etag)
                .ok_or_else(R2Error::invalid_part)
        })
        .collect::<Result<Vec<&Part>, R2Error>>()?;
    let all_but_last = |parts: &[&Part]| parts.len().saturating_sub(1);
    if chosen[..all_but_last(&chosen)]
        .iter()
        .any(|p| p.size < MIN_PART_SIZE)
    {
        return Err(R2Error::entity_too_small());
    }
    chosen.sort_by_key(|p| p.number);
    let (body, last) = chosen.split_at(all_but_last(&chosen));
    if let Some(first) = body.first() {
        let uneven = body
            .iter()
            .any(|p| p.size != first.size || p.size < MIN_PART_SIZE);
        if uneven || last.iter().any(|p| p.size > first.size) {
            return Err(R2Error::bad_upload());
        }
    }
    Ok(chosen)
}

/// The etag of an object joined from `parts`.
pub(crate) fn etag(parts: &[&Part]) -> String {
    let mut digests = Md5::new();
    for part in parts {
        let bytes = (0..part.etag.len() / 2)
            .filter_map(|i| u8::from_str_radix(part.etag.get(2 * i..2 * i + 2)?, 16).ok());
        digests.update(bytes.collect::<Vec<u8>>());
    }
    format!("{}-{}", hex(&digests.finalize()), parts.len())
}
