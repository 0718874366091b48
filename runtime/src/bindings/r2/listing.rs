//! One page of a bucket listing, as R2 pages it: objects and delimited prefixes in key order,
//! at most `limit` of them, and a cursor (the base64 of the page's last key, a prefix's last
//! key standing for it) where the listing goes on.

use base64::Engine;

use super::store::{ListOptions, Listing, Meta, R2Error, MAX_KEYS};

/// The key a listing starts after: the later of `startAfter` and the cursor's key.
pub(crate) fn start_after(options: &ListOptions) -> Option<String> {
    let cursor = options.cursor.as_deref().map(decode_cursor);
    match (options.start_after.clone(), cursor) {
        (Some(start), Some(cursor)) => Some(start.max(cursor)),
        (start, cursor) => cursor.or(start),
    }
}

/// What a page holds, in order.
enum Entry {
    Object(Meta),
    /// A delimited prefix and the last key under it.
    Prefix(String, String),
}

impl Entry {
    fn last_key(&self) -> &str {
        match self {
            Entry::Object(meta) => &meta.key,
            Entry::Prefix(_, last) => last,
        }
    }
}

/// The page of `rows` (the objects after `start_after(options)` under the prefix, in key
/// order) that `options` asks for.
pub(crate) fn page(
    rows: impl Iterator<Item = Result<Meta, R2Error>>,
    options: &ListOptions,
) -> Result<Listing, R2Error> {
    let limit = options.limit.unwrap_or(MAX_KEYS).clamp(1, MAX_KEYS);
    let prefix = options.prefix.as_deref().unwrap_or("");
    let delimiter = options.delimiter.as_deref().filter(|d| !d.is_empty());
    let mut entries: Vec<Entry> = Vec::new();
    for row in rows {
        let meta = row?;
        let group = delimiter.and_then(|d| {
            let rest = meta.key.get(prefix.len()..)?;
            rest.find(d)
                .map(|at| meta.key[..prefix.len() + at + d.len()].to_string())
        });
        match (group, entries.last_mut()) {
            (Some(group), Some(Entry::Prefix(last_group, last_key))) if *last_group == group => {
                *last_key = meta.key;
                continue;
            }
            (Some(group), _) => entries.push(Entry::Prefix(group, meta.key)),
            (None, _) => entries.push(Entry::Object(meta)),
        }
        // One entry past the page shows that the listing goes on, and that the page's last
        // prefix has seen its last key.
        if entries.len() > limit {
            break;
        }
    }
    let truncated = entries.len() > limit;
    entries.truncate(limit);
    let cursor = truncated
        .then(|| entries.last().map(|e| encode_cursor(e.last_key())))
        .flatten();
    let mut listing = Listing {
        objects: Vec::new(),
        delimited_prefixes: Vec::new(),
        truncated,
        cursor,
    };
    for entry in entries {
        match entry {
            Entry::Object(meta) => listing.objects.push(meta),
            Entry::Prefix(group, _) => listing.delimited_prefixes.push(group),
        }
    }
    Ok(listing)
}

fn encode_cursor(key: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(key)
}

/// The key in a cursor, read leniently as R2 does: either base64 alphabet, other characters
/// skipped, up to the first `=`; bytes that are not UTF-8 become U+FFFD.
fn decode_cursor(cursor: &str) -> String {
    let mut bytes = Vec::new();
    let (mut bits, mut count) = (0u32, 0u32);
    for c in cursor.bytes().take_while(|&c| c != b'=') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
