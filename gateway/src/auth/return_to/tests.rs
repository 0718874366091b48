use super::*;

/// Every example of docs/security.md line 1, and the usual variations.
const REFUSED: &[&str] = &[
    // Another host.
    "//evil",
    "//evil.com/path",
    "///evil",
    "/\\evil",
    "\\\\evil",
    "\\/evil",
    "/\\/evil",
    "/%2F%2Fevil",
    "/%2f%2fevil",
    "/%2F/evil",
    "/%5Cevil",
    "/%5cevil",
    "/%5C%5Cevil",
    "/%252F%252Fevil",
    "/%25252F%25252Fevil",
    "/%2525252F%2525252Fevil",
    // Absolute URLs and schemes.
    "https://evil.com",
    "http://evil.com/",
    "HTTPS://evil.com",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.com",
    "relative/path",
    "?x=1",
    "#frag",
    "",
    // Control characters and whitespace, before or inside the slashes.
    " /evil",
    "/ /evil",
    "/\t/evil",
    "\t//evil",
    "/\x0b/evil",
    "/\r/evil",
    "/\n/evil",
    "/\r\n/evil",
    "/\x00/evil",
    "/\x7f",
    "/%09/evil",
    "/%0B/evil",
    "/%0d%0a/evil",
    "/%0D%0ASet-Cookie:x=y",
    "/%00",
    "/%20/evil",
    "/%C2%A0/evil",
    "/%E2%80%A8/evil",
    "/%C2%85",
    "/path with space",
    "/\u{a0}/evil",
    "/\u{3000}evil",
    // Dot segments.
    "/./\\evil",
    "/../..//evil",
    "/..//evil",
    "/./evil/..",
    "/a/../b",
    "/.",
    "/..",
    "/%2e%2e/%2e%2e//evil",
    "/%2E/evil",
    "/.%2e/evil",
    // Empty segments.
    "/a//b",
    // Malformed escapes.
    "/%",
    "/%zz",
    "/%2",
    // Reserved paths.
    "/.sitegate/callback",
    "/.sitegate",
    "/.SITEGATE/logout",
    "/%2esitegate/me",
    "/%2Esitegate/me",
    "/signin-with-chatgpt",
    "/signin-with-chatgpt?return_to=/x",
    "/Signout-With-ChatGPT",
    "/signout-with-chatgpt/",
    "/signin-with-chatgpt;x",
    "/signin%2Dwith%2Dchatgpt",
];

const ALLOWED: &[&str] = &[
    "/",
    "/dashboard",
    "/a/b/c/",
    "/search?q=hello%20world&page=2",
    "/path?next=//evil",
    "/deals#section-2",
    "/caf%C3%A9",
    "/foo%2Fbar",
    "/javascript:alert(1)",
    "/..foo/bar.",
    "/.well-known/thing",
    "/.sitegatex",
    "/signin-with-chatgpt-docs",
    "/100%25",
];

#[test]
fn sec_01_return_to_refuses_every_checklist_example() {
    for raw in REFUSED {
        assert!(
            matches!(validate_return_to(raw), Err(AuthError::ReturnTo(_))),
            "accepted {raw:?}"
        );
    }
}

#[test]
fn sec_01_return_to_refuses_protocol_relative() {
    for raw in [
        "//evil",
        "/%2F%2Fevil",
        "/%252F%252Fevil",
        "/\\evil",
        "/%5Cevil",
    ] {
        assert!(validate_return_to(raw).is_err(), "{raw}");
    }
}

#[test]
fn sec_01_return_to_refuses_control_chars_anywhere() {
    for c in (0u8..0x20).chain([0x7f]) {
        for at in ["/x", "/x/y?q="] {
            let raw = format!("{at}{}z", c as char);
            assert!(validate_return_to(&raw).is_err(), "{raw:?}");
            let encoded = format!("{at}%{c:02X}z");
            assert!(validate_return_to(&encoded).is_err(), "{encoded}");
        }
    }
}

#[test]
fn sec_01_return_to_refuses_over_long() {
    let ok = format!("/{}", "a".repeat(MAX_RETURN_TO_LEN - 1));
    assert_eq!(validate_return_to(&ok).ok().as_deref(), Some(ok.as_str()));
    let long = format!("/{}", "a".repeat(MAX_RETURN_TO_LEN));
    assert!(validate_return_to(&long).is_err());
}

#[test]
fn sec_01_return_to_refuses_reserved_paths() {
    for raw in [
        "/.sitegate/callback?code=x",
        "/signin-with-chatgpt",
        "/signout-with-chatgpt",
    ] {
        assert!(validate_return_to(raw).is_err(), "{raw}");
    }
    assert!(is_reserved(b"/.sitegate/me"));
    assert!(!is_reserved(b"/sitegate"));
}

#[test]
fn same_origin_paths_are_returned_unchanged() {
    for raw in ALLOWED {
        assert_eq!(
            validate_return_to(raw).ok().as_deref(),
            Some(*raw),
            "refused {raw:?}"
        );
    }
}

#[test]
fn refused_values_are_never_echoed_in_errors() {
    let err = validate_return_to("//evil.example").expect_err("refused");
    assert!(!err.to_string().contains("evil"), "{err}");
}
