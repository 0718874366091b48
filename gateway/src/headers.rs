//! Header surgery on pingora's request headers, through pingora's own API (which keeps its
//! case map in step): identity headers the client sent, forwarding and override headers it
//! may not set (docs/security.md line 3). The gateway's cookies (lines 4 and 5) are the
//! `cookies` module's.

use http::header::{HeaderName, CONNECTION};
use pingora_error::Result;
use pingora_http::RequestHeader;

use crate::auth::identity;

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

/// Removes every identity header the client sent, in any spelling (line 3), and each mention
/// of one in `Connection`: pingora drops the headers `Connection` names on the way to an
/// upstream, and would take the identity headers the gateway sets with them.
pub fn strip_identity(req: &mut RequestHeader) -> Result<()> {
    for name in identity::identity_header_names(&req.headers) {
        req.remove_header(&name);
    }
    let listed: Vec<String> = req
        .headers
        .get_all(CONNECTION)
        .iter()
        .flat_map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split(',')
                .map(|t| t.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .collect();
    if !listed.iter().any(|t| identity::is_identity_header(t)) {
        return Ok(());
    }
    let kept: Vec<String> = listed
        .into_iter()
        .filter(|t| {
            !identity::is_identity_header(t) && HeaderName::from_bytes(t.as_bytes()).is_ok()
        })
        .collect();
    req.remove_header(&CONNECTION);
    if !kept.is_empty() {
        req.insert_header(CONNECTION, kept.join(", "))?;
    }
    Ok(())
}

/// Who may send a header of [`CLAIMS`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum SetBy {
    /// A configured trusted proxy, in the spelling listed.
    TrustedProxy,
    /// Nobody: it names a path or method other than the one access was decided on.
    Nobody,
}

/// Headers that tell a backend where a request came from or what it really asked for. Backends
/// believe them, and CGI-style stacks read `X_Forwarded_For` as `X-Forwarded-For`, so each is
/// matched in every spelling (any case, `_` or `.` for `-`). The gateway sets its own
/// `X-Forwarded-For/-Proto/-Host` afterwards (`upstream::shape_forwarded`).
const CLAIMS: &[(&str, SetBy)] = &[
    ("x-forwarded-for", SetBy::TrustedProxy),
    ("x-forwarded-proto", SetBy::TrustedProxy),
    ("x-forwarded-host", SetBy::TrustedProxy),
    ("x-forwarded-port", SetBy::TrustedProxy),
    ("x-forwarded-prefix", SetBy::TrustedProxy),
    ("x-forwarded-server", SetBy::TrustedProxy),
    ("x-forwarded-scheme", SetBy::TrustedProxy),
    ("x-forwarded-ssl", SetBy::TrustedProxy),
    ("forwarded", SetBy::TrustedProxy),
    ("x-real-ip", SetBy::TrustedProxy),
    ("true-client-ip", SetBy::TrustedProxy),
    ("cf-connecting-ip", SetBy::TrustedProxy),
    ("fastly-client-ip", SetBy::TrustedProxy),
    ("x-client-ip", SetBy::TrustedProxy),
    ("x-cluster-client-ip", SetBy::TrustedProxy),
    ("x-original-url", SetBy::Nobody),
    ("x-original-uri", SetBy::Nobody),
    ("x-rewrite-url", SetBy::Nobody),
    ("x-http-method-override", SetBy::Nobody),
    ("x-http-method", SetBy::Nobody),
    ("x-method-override", SetBy::Nobody),
];

/// Removes every [`CLAIMS`] header in every spelling, except, from a trusted proxy
/// (`peer_trusted`), the ones it may set in their listed spelling.
pub fn strip_claims(req: &mut RequestHeader, peer_trusted: bool) {
    let refused: Vec<HeaderName> = req
        .headers
        .keys()
        .filter(|name| is_refused_claim(name.as_str(), peer_trusted))
        .cloned()
        .collect();
    for name in refused {
        req.remove_header(&name);
    }
}

/// `name` is lowercase, as `http` keeps header names.
fn is_refused_claim(name: &str, peer_trusted: bool) -> bool {
    CLAIMS.iter().any(|&(claim, set_by)| {
        identity::spells(name, claim)
            && !(peer_trusted && set_by == SetBy::TrustedProxy && name == claim)
    })
}

#[cfg(test)]
mod tests {
    use pingora_http::RequestHeader;

    use super::{strip_claims, strip_identity};

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
    fn sec_27_connection_no_longer_names_the_gateways_headers() {
        let connection_after = |value: &str| {
            let mut req = RequestHeader::build("GET", b"/", None).unwrap();
            req.append_header("connection", value).unwrap();
            req.append_header("sitegate-user-email", "forged@evil.test")
                .unwrap();
            strip_identity(&mut req).unwrap();
            assert!(req.headers.get("sitegate-user-email").is_none());
            req.headers
                .get_all("connection")
                .iter()
                .map(|v| v.to_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            connection_after("close, Sitegate-User-Email, sitegate_jwt_assertion, x-hop"),
            ["close, x-hop"]
        );
        assert!(connection_after("sitegate-user-role").is_empty());
        assert_eq!(connection_after("keep-alive, x-hop"), ["keep-alive, x-hop"]);
    }

    fn names_after_claims(headers: &[&str], peer_trusted: bool) -> Vec<String> {
        let mut req = RequestHeader::build("GET", b"/", None).unwrap();
        for name in headers {
            req.append_header(name.to_string(), "1").unwrap();
        }
        strip_claims(&mut req, peer_trusted);
        req.headers.keys().map(|n| n.as_str().to_string()).collect()
    }

    #[test]
    fn sec_27_forwarding_and_override_headers_are_dropped_in_every_spelling() {
        let sent = [
            "X_Forwarded_For",
            "X-Forwarded_For",
            "x.forwarded.for",
            "X-Forwarded-For",
            "X_Real_IP",
            "X_Forwarded_Host",
            "X-Original-URL",
            "X-Rewrite-URL",
            "X-HTTP-Method-Override",
            "True-Client-IP",
            "CF-Connecting-IP",
            "Fastly-Client-IP",
            "X-Client-IP",
            "X-Cluster-Client-IP",
            "Forwarded",
            "X-Custom",
        ];
        assert_eq!(names_after_claims(&sent, false), ["x-custom"]);
    }

    #[test]
    fn sec_27_a_trusted_proxy_keeps_its_forwarding_headers_but_not_odd_spellings_or_overrides() {
        let sent = [
            "X-Forwarded-For",
            "X_Forwarded_For",
            "CF-Connecting-IP",
            "X-Original-URL",
            "X-HTTP-Method-Override",
        ];
        assert_eq!(
            names_after_claims(&sent, true),
            ["x-forwarded-for", "cf-connecting-ip"]
        );
    }
}
