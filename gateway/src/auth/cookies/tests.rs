use super::*;

const HOST: &str = "crm.acme.sites.example.com";

#[test]
fn gateway_cookie_names_in_any_spelling() {
    for name in [
        "__Host-sitegate",
        "__host-sitegate",
        "__HOST-SITEGATE",
        "__Host-sitegate-sso",
        "__Host-sitegate-flow-abc",
        "__Secure-sitegate",
        "__secure-Sitegate",
        "sitegate",
        "SiteGate_session",
        " __Host-sitegate ",
    ] {
        assert!(is_gateway_cookie(name), "{name}");
    }
    for name in [
        "session",
        "__Host-session",
        "my-sitegate",
        "__Host-",
        "site",
        "",
    ] {
        assert!(!is_gateway_cookie(name), "{name}");
    }
}

#[test]
fn sec_05_backend_cannot_set_overwrite_or_delete_gateway_cookies() {
    for value in [
        "__Host-sitegate=forged; Path=/; Secure; HttpOnly",
        "__Host-sitegate=; Max-Age=0; Path=/; Secure",
        "__host-SITEGATE=x; Secure; Path=/",
        "__Secure-sitegate=x; Secure",
        "sitegate=x",
        "sitegate-sso=x; Path=/",
        " __Host-sitegate =x; Secure; Path=/",
        "=__Host-sitegate=x; Secure; Path=/",
        "__Host-sitegate",
        "__Host-sitegate-sso=x; Secure; Path=/",
    ] {
        assert_eq!(
            check_set_cookie(value.as_bytes(), HOST),
            Err(Refusal::GatewayName),
            "{value}"
        );
    }
}

#[test]
fn sec_05_backend_cannot_toss_cookies_into_sibling_sites() {
    for value in [
        "theme=dark; Domain=sites.example.com",
        "theme=dark; Domain=.sites.example.com",
        "theme=dark; domain=example.com; Path=/",
        "theme=dark; DOMAIN=acme.sites.example.com",
        "theme=dark; Domain=wiki.acme.sites.example.com",
        "theme=dark; Domain=crm.acme.sites.example.com.evil.net",
        "theme=dark; Domain=crm.acme.sites.example.com; Domain=sites.example.com",
        "theme=dark; Path=/; Domain = sites.example.com ; Secure",
        "theme=dark; Domain=\"crm.acme.sites.example.com\"",
    ] {
        assert_eq!(
            check_set_cookie(value.as_bytes(), HOST),
            Err(Refusal::ForeignDomain),
            "{value}"
        );
    }
}

#[test]
fn ordinary_backend_cookies_pass() {
    for value in [
        "theme=dark",
        "theme=dark; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax",
        "__Host-app=1; Path=/; Secure",
        "theme=dark; Domain=crm.acme.sites.example.com",
        "theme=dark; Domain=.CRM.acme.sites.example.com",
        "theme=dark; Domain=",
        "id=a=b=c; Expires=Wed, 21 Oct 2030 07:28:00 GMT",
    ] {
        assert_eq!(check_set_cookie(value.as_bytes(), HOST), Ok(()), "{value}");
    }
    assert_eq!(check_set_cookie(b"a=\xff", HOST), Err(Refusal::Malformed));
}

#[test]
fn sec_05_filter_set_cookies_keeps_only_allowed_values() {
    let mut headers = HeaderMap::new();
    for v in [
        "a=1",
        "__Host-sitegate=evil; Path=/; Secure",
        "b=2; Domain=sites.example.com",
        "c=3; Path=/",
    ] {
        headers.append(SET_COOKIE, HeaderValue::from_static(v));
    }
    headers.insert("x-other", HeaderValue::from_static("kept"));
    assert_eq!(filter_set_cookies(&mut headers, HOST), 2);
    let left: Vec<_> = headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert_eq!(left, vec!["a=1", "c=3; Path=/"]);
    assert!(headers.contains_key("x-other"));
}

#[test]
fn sec_04_gateway_cookies_never_reach_the_backend() {
    assert_eq!(
        strip_gateway_cookies("a=1; __Host-sitegate=SECRET; b=2").as_deref(),
        Some("a=1; b=2")
    );
    assert_eq!(strip_gateway_cookies("__Host-sitegate=SECRET"), None);
    assert_eq!(
        strip_gateway_cookies("__host-sitegate=S;sitegate=S;  __Secure-sitegate=S;x=1").as_deref(),
        Some("x=1")
    );
    assert_eq!(
        strip_gateway_cookies("a=1;b=2").as_deref(),
        Some("a=1; b=2")
    );
    assert!(!has_gateway_cookie("a=1; b=__Host-sitegate"));
    assert!(has_gateway_cookie("a=1; __Host-sitegate-sso=x"));

    let mut headers = HeaderMap::new();
    headers.append(
        COOKIE,
        HeaderValue::from_static("a=1; __Host-sitegate=SECRET"),
    );
    headers.append(COOKIE, HeaderValue::from_static("__Host-sitegate=SECRET2"));
    headers.append(COOKIE, HeaderValue::from_static("b=2"));
    assert!(strip_gateway_cookies_in(&mut headers));
    let all: Vec<_> = headers.get_all(COOKIE).iter().collect();
    assert_eq!(all, vec![HeaderValue::from_static("a=1; b=2")]);

    let mut only_ours = HeaderMap::new();
    only_ours.insert(COOKIE, HeaderValue::from_static("__Host-sitegate=SECRET"));
    assert!(strip_gateway_cookies_in(&mut only_ours));
    assert!(only_ours.get(COOKIE).is_none());

    let mut none = HeaderMap::new();
    none.insert(COOKIE, HeaderValue::from_static("a=1"));
    assert!(!strip_gateway_cookies_in(&mut none));
    assert_eq!(none.get(COOKIE), Some(&HeaderValue::from_static("a=1")));
}

#[test]
fn cookie_values_finds_every_copy_of_a_name() {
    let mut headers = HeaderMap::new();
    headers.append(COOKIE, HeaderValue::from_static("a=1; __Host-sitegate=one"));
    headers.append(COOKIE, HeaderValue::from_static("__Host-sitegate=two;x=y"));
    let found: Vec<_> = cookie_values(&headers, "__Host-sitegate").collect();
    assert_eq!(found, vec!["one", "two"]);
    assert_eq!(
        cookie_values(&headers, "__host-sitegate").count(),
        0,
        "exact name"
    );
}
