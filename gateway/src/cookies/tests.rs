use pingora_http::RequestHeader;

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
    // What `filter_set_cookies` keeps of a backend response's `Set-Cookie` values.
    let values = [
        "a=1",
        "__Host-sitegate=evil; Path=/; Secure",
        "b=2; Domain=sites.example.com",
        "c=3; Path=/",
        "__Host-sitegate-sso=; Max-Age=0; Path=/; Secure",
    ];
    let kept: Vec<&str> = values
        .into_iter()
        .filter(|v| check_set_cookie(v.as_bytes(), HOST).is_ok())
        .collect();
    assert_eq!(kept, vec!["a=1", "c=3; Path=/"]);
}

#[test]
fn sec_04_gateway_cookies_never_reach_the_backend() {
    assert_eq!(
        without_gateway_cookies("a=1; __Host-sitegate=SECRET; b=2").as_deref(),
        Some("a=1; b=2")
    );
    assert_eq!(without_gateway_cookies("__Host-sitegate=SECRET"), None);
    assert_eq!(
        without_gateway_cookies("__host-sitegate=S;sitegate=S;  __Secure-sitegate=S;x=1")
            .as_deref(),
        Some("x=1")
    );
    assert_eq!(
        without_gateway_cookies("a=1;b=2").as_deref(),
        Some("a=1; b=2")
    );
    assert_eq!(
        without_gateway_cookies("=__Host-sitegate=SECRET; a=1").as_deref(),
        Some("a=1"),
        "nameless pair a server reads as ours"
    );
    assert!(!has_gateway_cookie("a=1; b=__Host-sitegate"));
    assert!(has_gateway_cookie("a=1; __Host-sitegate-sso=x"));
    assert!(has_gateway_cookie("a=1;__HOST-SITEGATE=x"));
    assert!(!has_gateway_cookie("a=1; b=2"));
}

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
    // Several `Cookie` headers (HTTP/2) become one without the gateway's.
    assert_eq!(
        cookies_after(&[
            b"a=1; __Host-sitegate=SECRET",
            b"__Host-sitegate=SECRET2",
            b"b=2"
        ]),
        ["a=1; b=2"]
    );
}

#[test]
fn sec_04_a_cookie_value_that_is_not_utf8_is_dropped_whole() {
    let after = cookies_after(&[b"a=1", b"x=\xff; __Host-sitegate=secret"]);
    assert_eq!(after, ["a=1"]);
}

#[test]
fn sec_06_set_cookie_is_host_only_secure_http_only_lax() {
    assert_eq!(
        set_cookie("__Host-sitegate", "v", 60),
        "__Host-sitegate=v; HttpOnly; SameSite=Lax; Secure; Path=/; Max-Age=60"
    );
    assert_eq!(
        clear_cookie("__Host-sitegate-sso"),
        "__Host-sitegate-sso=; HttpOnly; SameSite=Lax; Secure; Path=/; Max-Age=0"
    );
    assert!(set_cookie("a", "b", u64::MAX).contains(&format!("; Max-Age={}", i64::MAX)));
}

#[test]
fn a_cookie_value_is_read_by_exact_name() {
    let header = "a=1; __Host-sitegate-sso=S; __Host-sitegate=T";
    assert_eq!(get(header, "__Host-sitegate"), Some("T"));
    assert_eq!(get(header, "__Host-sitegate-sso"), Some("S"));
    assert_eq!(get(header, "__host-sitegate"), None);
}

#[test]
fn sec_04_a_gateway_cookie_joined_with_a_comma_never_reaches_the_backend() {
    assert_eq!(
        cookies_after(&[b"a=1, __Host-sitegate=spoof; b=2"]),
        ["b=2"]
    );
    assert_eq!(
        cookies_after(&[b"x=1,__host-SITEGATE-sso=spoof"]),
        Vec::<String>::new()
    );
    // A comma inside an ordinary value is kept as it is.
    assert_eq!(cookies_after(&[b"list=a,b,c; d=1"]), ["list=a,b,c; d=1"]);
    assert!(has_gateway_cookie("a=1, __Host-sitegate=x"));
}

#[test]
fn sec_05_a_set_cookie_folding_in_a_gateway_cookie_is_refused() {
    for value in [
        "a=1, __Host-sitegate=evil; Path=/; Secure",
        "a=1; Path=/,__Host-sitegate-sso=; Max-Age=0",
    ] {
        assert_eq!(
            check_set_cookie(value.as_bytes(), HOST),
            Err(Refusal::GatewayName),
            "{value}"
        );
    }
}
