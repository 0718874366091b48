//! Request ids: taken from a trusted proxy's `X-Request-Id`, or generated, and echoed back.

use pingora_http::RequestHeader;

/// The request and response header that carries the id.
pub const HEADER: &str = "x-request-id";

/// The id for this request: the incoming one when the peer is a trusted proxy and the value is
/// sane (1–128 characters of `[A-Za-z0-9._-]`), else a fresh random one.
pub fn for_request(req: &RequestHeader, peer_trusted: bool) -> String {
    if peer_trusted {
        if let Some(id) = req.headers.get(HEADER).and_then(|v| v.to_str().ok()) {
            if is_sane(id) {
                return id.to_string();
            }
        }
    }
    generate()
}

/// A fresh 128-bit random id as 32 hex digits.
pub fn generate() -> String {
    format!("{:032x}", fastrand::u128(..))
}

fn is_sane(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(id: &str) -> RequestHeader {
        let mut r = RequestHeader::build("GET", b"/", None).unwrap();
        r.insert_header(HEADER, id).unwrap();
        r
    }

    #[test]
    fn incoming_id_is_kept_only_from_trusted_proxies() {
        assert_eq!(for_request(&req("abc-123"), true), "abc-123");
        assert_ne!(for_request(&req("abc-123"), false), "abc-123");
    }

    #[test]
    fn insane_incoming_ids_are_replaced() {
        assert_ne!(for_request(&req("a b<script>"), true), "a b<script>");
        assert_eq!(generate().len(), 32);
    }
}
