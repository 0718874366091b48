//! Header surgery on pingora's request and response headers, through pingora's own API (which
//! keeps its case map in step): identity headers the client sent, the gateway's cookies on the
//! way in, and backend `Set-Cookie` values on the way out (SECURITY-CHECKLIST lines 3–5).

use http::header::{COOKIE, SET_COOKIE};
use pingora_error::Result;
use pingora_http::{RequestHeader, ResponseHeader};

use crate::auth::{cookies, identity};

/// Takes a Sitegate bearer credential off the request: `OAI-Sites-Authorization: Bearer …`
/// (any token; it is an identity header and never forwarded), or `Authorization: Bearer sgt_…`
/// (removed; any other `Authorization` belongs to the backend and stays).
pub fn take_bearer(req: &mut RequestHeader) -> Option<String> {
    let bearer = |name: &str| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_string())
    };
    let codex = bearer("oai-sites-authorization");
    let ours = bearer("authorization").filter(|t| t.starts_with(crate::tokens::PREFIX));
    if ours.is_some() {
        req.remove_header("authorization");
    }
    codex.or(ours)
}

/// Removes every identity header the client sent, in any spelling (line 3).
pub fn strip_identity(req: &mut RequestHeader) {
    for name in identity::identity_header_names(&req.headers) {
        req.remove_header(&name);
    }
}

/// Removes the gateway's cookies from the `Cookie` header(s) before the backend sees them
/// (line 4); other cookies pass unchanged. A value that is not valid UTF-8 cannot be checked,
/// so it is dropped whole.
pub fn strip_gateway_cookies(req: &mut RequestHeader) -> Result<()> {
    let values: Vec<Option<&str>> = req
        .headers
        .get_all(COOKIE)
        .iter()
        .map(|v| v.to_str().ok())
        .collect();
    let clean = values
        .iter()
        .all(|v| v.is_some_and(|v| !cookies::has_gateway_cookie(v)));
    if clean {
        return Ok(());
    }
    let kept: Vec<String> = values
        .into_iter()
        .flatten()
        .filter_map(cookies::strip_gateway_cookies)
        .collect();
    req.remove_header(&COOKIE);
    if !kept.is_empty() {
        req.insert_header(COOKIE, kept.join("; "))?;
    }
    Ok(())
}

/// Drops backend `Set-Cookie` values that name the gateway's cookies or a `Domain` wider than
/// the site's own host (line 5); returns how many were dropped.
pub fn filter_set_cookies(resp: &mut ResponseHeader, site_host: &str) -> Result<usize> {
    let all: Vec<http::HeaderValue> = resp.headers.get_all(SET_COOKIE).iter().cloned().collect();
    let kept: Vec<http::HeaderValue> = all
        .iter()
        .filter(|v| cookies::check_set_cookie(v.as_bytes(), site_host).is_ok())
        .cloned()
        .collect();
    let dropped = all.len() - kept.len();
    if dropped > 0 {
        resp.remove_header(&SET_COOKIE);
        for value in kept {
            resp.append_header(SET_COOKIE, value)?;
        }
    }
    Ok(dropped)
}

#[cfg(test)]
mod tests {
    use pingora_http::RequestHeader;

    use super::strip_gateway_cookies;

    fn cookies_after(values: &[&[u8]]) -> Vec<String> {
        let mut req = RequestHeader::build("GET", b"/", None).unwrap();
        for v in values {
            req.append_header("cookie", http::HeaderValue::from_bytes(v).unwrap())
                .unwrap();
        }
        strip_gateway_cookies(&mut req).unwrap();
        req.headers
            .get_all("cookie")
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }

    fn bearer_case(headers: &[(&str, &str)]) -> (Option<String>, Vec<String>) {
        let mut req = RequestHeader::build("GET", b"/", None).unwrap();
        for (k, v) in headers {
            req.append_header(k.to_string(), *v).unwrap();
        }
        let token = super::take_bearer(&mut req);
        let left = req
            .headers
            .get_all("authorization")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        (token, left)
    }

    #[test]
    fn sitegate_bearer_tokens_are_taken_off_the_request_and_other_ones_left() {
        assert_eq!(
            bearer_case(&[("authorization", "Bearer sgt_a_b")]),
            (Some("sgt_a_b".into()), vec![])
        );
        assert_eq!(
            bearer_case(&[("authorization", "Bearer backend-key")]),
            (None, vec!["Bearer backend-key".into()])
        );
        let both = bearer_case(&[
            ("oai-sites-authorization", "Bearer sgt_x_y"),
            ("authorization", "Bearer sgt_a_b"),
        ]);
        assert_eq!(
            both,
            (Some("sgt_x_y".into()), vec![]),
            "a second Sitegate token is not forwarded either"
        );
    }

    #[test]
    fn sec_04_gateway_cookies_are_removed_and_others_kept() {
        assert_eq!(
            cookies_after(&[b"a=1; __Host-sitegate=secret; b=2"]),
            ["a=1; b=2"]
        );
        assert_eq!(
            cookies_after(&[b"__Host-sitegate=secret"]),
            Vec::<String>::new()
        );
        assert_eq!(cookies_after(&[b"a=1"]), ["a=1"]);
    }

    #[test]
    fn sec_04_a_cookie_value_that_is_not_utf8_is_dropped_whole() {
        let after = cookies_after(&[b"a=1", b"x=\xff; __Host-sitegate=secret"]);
        assert_eq!(after, ["a=1"]);
    }
}
