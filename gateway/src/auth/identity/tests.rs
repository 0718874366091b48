use policy::UserPrincipal;

use super::*;
use crate::auth::testutil::ring;

const SPOOFED: &[&str] = &[
    "sitegate-user-id",
    "Sitegate-User-Email",
    "SITEGATE-USER-NAME",
    "sitegate_user_email",
    "SITEGATE_USER_ROLE",
    "sitegate.user.groups",
    "Sitegate_User-Id",
    "sitegate-jwt-assertion",
    "sitegate_jwt_assertion",
    "sitegate-anything-else",
    "x-sitegate-user",
    "oai-authenticated-user-id",
    "OAI-Authenticated-User-Email",
    "oai_authenticated_user_full_name",
    "oai-authenticated-user-full-name-encoding",
    "oai-sites-authorization",
    "OAI_SITES_AUTHORIZATION",
];

const KEPT: &[&str] = &[
    "authorization",
    "cookie",
    "x-user",
    "sitegatex-user",
    "sitegate",
    "oai-other",
    "oai-sites-authorization-x",
    "x-forwarded-for",
];

#[test]
fn sec_03_strips_identity_headers_in_every_spelling() {
    let mut headers = HeaderMap::new();
    for name in SPOOFED.iter().chain(KEPT) {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("valid name");
        headers.append(name.clone(), HeaderValue::from_static("spoofed"));
        headers.append(name, HeaderValue::from_static("duplicate"));
    }
    // Each identity header once, however often it repeats; nothing else.
    let names = identity_header_names(&headers);
    assert_eq!(names.len(), SPOOFED.len());
    for name in KEPT {
        assert!(!names.iter().any(|n| n == *name), "{name} listed");
    }
    // Removed the way `headers::strip_identity` does: every value of each listed name.
    for name in &names {
        headers.remove(name);
    }
    for name in SPOOFED {
        assert!(headers.get(*name).is_none(), "{name} survived");
    }
    for name in KEPT {
        assert_eq!(headers.get_all(*name).iter().count(), 2, "{name} removed");
    }
    assert!(headers.keys().all(|n| !is_identity_header(n.as_str())));
}

#[test]
fn sec_03_every_header_the_gateway_sets_is_one_it_strips() {
    let (_d, keys) = ring();
    let groups = vec!["eng".to_string()];
    let who = Identity {
        issuer: "https://idp",
        subject: "u1",
        email: Some("ana@acme.com"),
        name: Some("Ana"),
        role: Some("admin"),
        groups: &groups,
    };
    let headers = identity_headers(&keys, "acme/crm", &who, true);
    assert_eq!(headers.len(), 9);
    for (name, _) in &headers {
        assert!(is_identity_header(name.as_str()), "{name}");
    }
    assert!(is_identity_header(crate::auth::assertion::ASSERTION_HEADER));
}

#[test]
fn pairwise_id_is_stable_per_site_and_different_across_sites() {
    let (dir, keys) = ring();
    let a = pairwise_id(&keys, "https://idp", "u1", "acme/crm");
    assert_eq!(a.len(), 22);
    assert_eq!(a, pairwise_id(&keys, "https://idp", "u1", "acme/crm"));
    let reloaded = crate::auth::testutil::load(dir.path(), crate::auth::testutil::T0 + 1);
    assert_eq!(a, pairwise_id(&reloaded, "https://idp", "u1", "acme/crm"));
    assert_ne!(a, pairwise_id(&keys, "https://idp", "u1", "acme/wiki"));
    assert_ne!(a, pairwise_id(&keys, "https://idp", "u2", "acme/crm"));
    assert_ne!(a, pairwise_id(&keys, "https://other", "u1", "acme/crm"));
    assert_ne!(a, pairwise_id(&keys, "https://idpu", "1", "acme/crm"));
    let (_d2, other) = ring();
    assert_ne!(a, pairwise_id(&other, "https://idp", "u1", "acme/crm"));
}

fn get<'a>(headers: &'a [(HeaderName, HeaderValue)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.to_str().ok())
}

#[test]
fn identity_headers_carry_encoded_values() {
    let (_d, keys) = ring();
    let claims = UserPrincipal {
        idp: "okta".into(),
        issuer: "https://idp".into(),
        subject: "u1".into(),
        email: Some("ana@acme.com".into()),
        email_verified: true,
        name: Some("Ana Núñez\r\nX-Evil: 1".into()),
        idp_groups: vec![],
    };
    let groups = vec!["eng".to_string(), "sales, EMEA".to_string()];
    let who = Identity::from_claims(&claims, false, Some("member"), &groups);
    let h = identity_headers(&keys, "acme/crm", &who, false);
    assert_eq!(
        get(&h, USER_ID),
        Some(pairwise_id(&keys, "https://idp", "u1", "acme/crm").as_str())
    );
    assert_eq!(get(&h, USER_EMAIL), Some("ana@acme.com"));
    assert_eq!(
        get(&h, USER_NAME),
        Some("Ana%20N%C3%BA%C3%B1ez%0D%0AX-Evil%3A%201")
    );
    assert_eq!(get(&h, USER_ROLE), Some("member"));
    assert_eq!(get(&h, USER_GROUPS), Some("eng,sales%2C%20EMEA"));
    assert!(h.iter().all(|(n, _)| !n.as_str().starts_with("oai-")));
}

#[test]
fn codex_sites_get_their_header_names() {
    let (_d, keys) = ring();
    let who = Identity {
        issuer: "https://idp",
        subject: "u1",
        email: Some("ana@acme.com"),
        name: Some("Zoë"),
        role: None,
        groups: &[],
    };
    let h = identity_headers(&keys, "acme/crm", &who, true);
    assert_eq!(get(&h, OAI_USER_ID), get(&h, USER_ID));
    assert_eq!(get(&h, OAI_USER_EMAIL), Some("ana@acme.com"));
    assert_eq!(get(&h, OAI_USER_FULL_NAME), Some("Zo%C3%AB"));
    assert_eq!(
        get(&h, OAI_USER_FULL_NAME_ENCODING),
        Some("percent-encoded-utf-8")
    );
    assert!(get(&h, USER_ROLE).is_none() && get(&h, USER_GROUPS).is_none());
}

#[test]
fn sec_13_unverified_email_is_not_passed_on() {
    let (_d, keys) = ring();
    let mut claims = UserPrincipal {
        idp: "okta".into(),
        issuer: "https://idp".into(),
        subject: "u1".into(),
        email: Some("boss@acme.com".into()),
        email_verified: false,
        name: None,
        idp_groups: vec![],
    };
    let who = Identity::from_claims(&claims, false, None, &[]);
    assert!(get(&identity_headers(&keys, "a/b", &who, true), USER_EMAIL).is_none());
    assert!(get(&identity_headers(&keys, "a/b", &who, true), OAI_USER_EMAIL).is_none());
    let trusted = Identity::from_claims(&claims, true, None, &[]);
    assert!(get(&identity_headers(&keys, "a/b", &trusted, false), USER_EMAIL).is_some());
    claims.email = Some("a@b.com\r\nx: y".into());
    claims.email_verified = true;
    let who = Identity::from_claims(&claims, false, None, &[]);
    assert!(get(&identity_headers(&keys, "a/b", &who, false), USER_EMAIL).is_none());
}
