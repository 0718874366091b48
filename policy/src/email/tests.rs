//! Unit tests for strict email and DNS name parsing (docs/security.md line 13).

use super::*;

#[test]
fn sec_13_plain_addresses_parse() {
    let e = Email::parse("Alice.Smith+crm@Acme.COM").expect("valid");
    assert_eq!(e.local(), "Alice.Smith+crm");
    assert_eq!(e.domain(), "Acme.COM");
    e.with_lowercase(|lower, domain| {
        assert_eq!(lower, "alice.smith+crm@acme.com");
        assert_eq!(domain, "acme.com");
    });
}

#[test]
fn sec_13_ambiguous_or_lookalike_addresses_are_refused() {
    let bad = [
        "a@b@c.com",
        "\"a@b\"@acme.com",
        "\"alice\"@acme.com",
        "alice@acme.com (comment)",
        "Alice <alice@acme.com>",
        "alice@аcme.com", // Cyrillic а
        "аlice@acme.com",
        "alice@acme.com\u{200b}",
        "alice@acme.com.",
        "alice@acme..com",
        "alice@-acme.com",
        "alice@acme",
        "alice@[127.0.0.1]",
        ".alice@acme.com",
        "al..ice@acme.com",
        "alice.@acme.com",
        "@acme.com",
        "alice@",
        "alice",
        "",
        "al ice@acme.com",
        "alice@acme.com\n",
    ];
    for b in bad {
        assert!(Email::parse(b).is_err(), "{b:?} must be refused");
    }
}

#[test]
fn length_limits_are_enforced() {
    let local = "a".repeat(65);
    assert!(Email::parse(&format!("{local}@acme.com")).is_err());
    let label = "a".repeat(64);
    assert!(Email::parse(&format!("x@{label}.com")).is_err());
    let long = format!("x@{}.com", vec!["a".repeat(60); 5].join("."));
    assert!(Email::parse(&long).is_err());
}

#[test]
fn config_values_are_lowercased_and_checked() {
    assert_eq!(
        parse_config_email("Bob@Acme.com").as_deref(),
        Ok("bob@acme.com")
    );
    assert_eq!(parse_config_domain("Acme.COM").as_deref(), Ok("acme.com"));
    assert!(parse_config_domain("acme").is_err());
    assert!(parse_config_domain("acme.123").is_err());
    assert_eq!(parse_hostname("localhost").as_deref(), Ok("localhost"));
    assert_eq!(
        parse_hostname("Hello.Demo.localhost").as_deref(),
        Ok("hello.demo.localhost")
    );
    assert!(parse_hostname("*.acme.com").is_err());
    assert!(parse_hostname("crm.acme.com:443").is_err());
}
