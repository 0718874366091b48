//! Unit tests for the development IdP: it sends the browser back only to its registered
//! redirect URI.

use super::*;
use crate::auth::testutil::{ring, T0};

const ORIGIN: &str = "https://auth.test.localhost:8443";
const CALLBACK: &str = "https://auth.test.localhost:8443/callback";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn request<'a>(method: &'a str, path: &'a str, query: &str, body: &str) -> Request<'a> {
    Request {
        method,
        path,
        query: Form::parse(query.as_bytes()),
        body: Form::parse(body.as_bytes()),
        cookies: String::new(),
        authorization: None,
        request_id: "r",
        cross_site: false,
        client: None,
        prefetch: false,
    }
}

fn params(client_id: &str, redirect_uri: Option<&str>) -> String {
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("state", "s"),
        ("email", "ann@acme.test"),
    ];
    pairs.extend(redirect_uri.map(|r| ("redirect_uri", r)));
    form::encode(&pairs)
}

#[test]
fn sec_32_authorize_redirects_only_to_the_registered_redirect_uri() {
    let (_dir, keys) = ring();
    let idp = DevIdp::new(ORIGIN, &keys).expect("dev idp");
    let users = [];
    let get = |query: &str| {
        let req = request("GET", "/dev-idp/authorize", query, "");
        idp.handle(&req, &users, &keys, T0).expect("served")
    };
    let post = |body: &str| {
        let req = request("POST", "/dev-idp/authorize", "", body);
        idp.handle(&req, &users, &keys, T0).expect("served")
    };

    assert_eq!(get(&params(CLIENT_ID, Some(CALLBACK))).status, 200);
    let approved = post(&params(CLIENT_ID, Some(CALLBACK)));
    assert_eq!(approved.status, 303);
    let location = approved.location.expect("redirect");
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );

    for (client, redirect) in [
        (CLIENT_ID, Some("https://evil.com/cb")),
        (
            CLIENT_ID,
            Some("https://auth.test.localhost:8443/callback/../x"),
        ),
        (
            CLIENT_ID,
            Some("https://auth.test.localhost:8443/callback?x=1"),
        ),
        (CLIENT_ID, Some("https://auth.test.localhost/callback")),
        (
            CLIENT_ID,
            Some("https://auth.test.localhost:8443.evil.com/callback"),
        ),
        (CLIENT_ID, Some("")),
        (CLIENT_ID, None),
        ("other", Some(CALLBACK)),
    ] {
        let query = params(client, redirect);
        let page = get(&query);
        assert_eq!((page.status, page.location), (400, None), "GET {query}");
        let reply = post(&query);
        assert_eq!((reply.status, reply.location), (400, None), "POST {query}");
    }
    assert!(
        idp.grants.len() == 1,
        "refused requests leave no code behind"
    );
}
