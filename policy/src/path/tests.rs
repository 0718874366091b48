//! Unit tests for path normalization and rule patterns (docs/security.md line 14).

use super::*;

fn n(raw: &str) -> String {
    normalize_path(raw)
        .map(NormalizedPath::into_string)
        .unwrap_or_else(|e| format!("ERR {e:?}"))
}

#[test]
fn sec_14_dot_segments_and_double_slashes_resolve_without_escaping_root() {
    let cases = [
        ("/", "/"),
        ("/a/b", "/a/b"),
        ("/a/b/", "/a/b/"),
        ("//admin", "/admin"),
        ("/a//b///c", "/a/b/c"),
        ("/./admin", "/admin"),
        ("/a/./b/.", "/a/b/"),
        ("/public/../admin", "/admin"),
        ("/a/b/..", "/a/"),
        ("/../../admin", "/admin"),
        ("/..", "/"),
        ("/...", "/..."),
        ("/a/..b/c", "/a/..b/c"),
    ];
    for (raw, want) in cases {
        assert_eq!(n(raw), want, "{raw}");
    }
}

#[test]
fn sec_14_percent_encoded_dots_count_as_dot_segments() {
    assert_eq!(n("/public/%2e%2e/admin"), "/admin");
    assert_eq!(n("/public/%2E%2E/admin"), "/admin");
    assert_eq!(n("/public/.%2e/admin"), "/admin");
    assert_eq!(n("/%2e/admin"), "/admin");
}

#[test]
fn sec_14_unreserved_escapes_are_decoded_others_kept_in_upper_case() {
    assert_eq!(n("/%61dmin"), "/admin");
    assert_eq!(n("/%7Euser/%2D"), "/~user/-");
    assert_eq!(n("/a%20b"), "/a%20b");
    assert_eq!(n("/caf%c3%a9"), "/caf%C3%A9");
    assert_eq!(n("/x%3a"), "/x%3A");
    assert_eq!(n("/100%25"), "/100%25");
}

#[test]
fn sec_14_encoded_slash_and_backslash_are_refused() {
    assert_eq!(normalize_path("/admin%2Fx"), Err(PathError::EncodedSlash));
    assert_eq!(
        normalize_path("/public%2f..%2fadmin"),
        Err(PathError::EncodedSlash)
    );
    assert_eq!(
        normalize_path("/admin%5Cx"),
        Err(PathError::EncodedBackslash)
    );
    assert_eq!(
        normalize_path("/admin%5cx"),
        Err(PathError::EncodedBackslash)
    );
    assert_eq!(
        normalize_path("/public\\..\\admin"),
        Err(PathError::Backslash)
    );
}

#[test]
fn sec_14_control_characters_raw_or_encoded_are_refused() {
    for raw in [
        "/a%00b",
        "/a\0b",
        "/a%0d%0aSet-Cookie:x",
        "/a\tb",
        "/a%7F",
        "/a\u{7f}",
    ] {
        assert_eq!(normalize_path(raw), Err(PathError::ControlChar), "{raw:?}");
    }
}

#[test]
fn sec_14_query_fragment_malformed_escapes_and_non_ascii_are_refused() {
    assert_eq!(
        normalize_path("/a?x=/admin"),
        Err(PathError::QueryOrFragment)
    );
    assert_eq!(
        normalize_path("/a#/../admin"),
        Err(PathError::QueryOrFragment)
    );
    assert_eq!(normalize_path("/a%2"), Err(PathError::BadPercentEncoding));
    assert_eq!(normalize_path("/a%zz"), Err(PathError::BadPercentEncoding));
    assert_eq!(normalize_path("/café"), Err(PathError::NonAscii));
    assert_eq!(normalize_path("admin"), Err(PathError::NotAbsolute));
    assert_eq!(normalize_path(""), Err(PathError::NotAbsolute));
    assert_eq!(
        normalize_path(&format!("/{}", "a".repeat(MAX_PATH_LEN))),
        Err(PathError::TooLong)
    );
}

#[test]
fn normalization_is_idempotent() {
    for raw in ["/a/../b/%2e/c//", "/%61%62%25%3a", "/x/./y/..", "/"] {
        let once = n(raw);
        assert_eq!(n(&once), once, "{raw}");
    }
}

fn matches_as(case: PathCase, pattern: &str, path: &str) -> bool {
    let p = PathPattern::parse(pattern).expect("valid pattern");
    p.matches(&normalize_path(path).expect("valid path"), case)
}

fn matches(pattern: &str, path: &str) -> bool {
    matches_as(PathCase::Insensitive, pattern, path)
}

/// What sites with path rules say about `raw`: its normalized form, or the refusal.
fn strict(raw: &str) -> Result<String, PathError> {
    let path = normalize_path(raw)?;
    check_unambiguous(&path)?;
    Ok(path.into_string())
}

#[test]
fn sec_29_spellings_that_backends_read_as_another_path_are_refused() {
    let cases = [
        ("/admin;/x", PathError::Semicolon),
        ("/admin..;/x", PathError::Semicolon),
        ("/public/..;/admin/x", PathError::Semicolon),
        ("/admin;jsessionid=1", PathError::Semicolon),
        ("/admin%3b/x", PathError::Semicolon),
        ("/admin%3F/x", PathError::EncodedQueryOrFragment),
        ("/admin%3f/x", PathError::EncodedQueryOrFragment),
        ("/admin%23/x", PathError::EncodedQueryOrFragment),
        ("/%2561dmin/x", PathError::DoubleEncoding),
        ("/%25%36%31dmin/x", PathError::DoubleEncoding),
        ("/a/%252e%252e/admin", PathError::DoubleEncoding),
        ("/admin./x", PathError::TrailingDotOrSpace),
        ("/admin.../x", PathError::TrailingDotOrSpace),
        ("/admin%2e/x", PathError::TrailingDotOrSpace),
        ("/admin%20/x", PathError::TrailingDotOrSpace),
        ("/admin. %20/x", PathError::TrailingDotOrSpace),
        ("/x/admin.", PathError::TrailingDotOrSpace),
    ];
    for (raw, want) in cases {
        assert_eq!(strict(raw), Err(want), "{raw}");
    }
    // Control characters stay refused by normalization itself.
    assert_eq!(strict("/admin%00/x"), Err(PathError::ControlChar));
}

#[test]
fn sec_29_ordinary_paths_pass_the_strict_check_unchanged() {
    for (raw, want) in [
        ("/", "/"),
        ("/admin/x", "/admin/x"),
        ("/.well-known/x", "/.well-known/x"),
        ("/a/..b/c.txt", "/a/..b/c.txt"),
        ("/a%20b/c", "/a%20b/c"),
        ("/100%25", "/100%25"),
        ("/100%25x", "/100%25x"),
        ("/x/../admin/./y/", "/admin/y/"),
    ] {
        assert_eq!(strict(raw).as_deref(), Ok(want), "{raw}");
    }
}

#[test]
fn sec_29_rules_match_letters_in_either_case_unless_the_site_says_sensitive() {
    for path in ["/ADMIN/x", "/Admin", "/aDmIn/", "/%41dmin/x"] {
        assert!(matches("/admin/*", path), "{path}");
        assert!(!matches_as(PathCase::Sensitive, "/admin/*", path), "{path}");
    }
    assert!(matches("/Api/*/Public/*", "/api/v1/PUBLIC/x"));
    assert!(matches("/caf%C3%A9", "/CAF%c3%a9"));
    assert!(matches_as(PathCase::Sensitive, "/admin/*", "/admin/x"));
}

#[test]
fn sec_14_rules_match_the_normalized_path_so_spellings_cannot_escape_them() {
    for path in [
        "/admin",
        "/admin/",
        "/admin/x",
        "//admin/x",
        "/public/../admin/x",
        "/%61dmin/x",
        "/public/%2e%2e/admin",
    ] {
        assert!(matches("/admin/*", path), "{path}");
    }
    for path in ["/administrator", "/adminx/y", "/public/admin", "/"] {
        assert!(!matches("/admin/*", path), "{path}");
    }
}

#[test]
fn exact_patterns_match_with_or_without_a_trailing_slash_only() {
    assert!(matches("/healthz", "/healthz"));
    assert!(matches("/healthz", "/healthz/"));
    assert!(!matches("/healthz", "/healthz/x"));
    assert!(matches("/", "/"));
    assert!(!matches("/", "/x"));
    assert!(matches("/*", "/"));
    assert!(matches("/*", "/any/thing"));
}

#[test]
fn inner_star_matches_exactly_one_segment() {
    assert!(matches("/api/*/public/*", "/api/v1/public/x"));
    assert!(matches("/api/*/public/*", "/api/v1/public"));
    assert!(!matches("/api/*/public/*", "/api/public"));
    assert!(!matches("/api/*/public/*", "/api/v1/v2/public/x"));
}

#[test]
fn specificity_prefers_literals_left_to_right_then_exact_then_catch_all() {
    let p = |s| PathPattern::parse(s).expect("valid");
    let ordered = [
        "/admin/team/x",
        "/admin/team/*",
        "/admin/*/x",
        "/admin",
        "/admin/*",
        "/*",
    ];
    for pair in ordered.windows(2) {
        assert_eq!(
            p(pair[0]).specificity_cmp(&p(pair[1])),
            std::cmp::Ordering::Greater,
            "{} over {}",
            pair[0],
            pair[1]
        );
    }
    assert_eq!(
        p("/admin").specificity_cmp(&p("/admin/*")),
        std::cmp::Ordering::Greater
    );
}

#[test]
fn patterns_that_can_never_match_are_refused() {
    for bad in [
        "admin",
        "/admin/",
        "/a//b",
        "/a/../b",
        "/a/./b",
        "/admin*",
        "/a?x",
        "/%61",
        "/a%2Fb",
        "/café",
        "/a;b",
        "/a%3F",
        "/a%2541",
        "/admin.",
        "/admin%20",
    ] {
        assert!(PathPattern::parse(bad).is_err(), "{bad}");
    }
}
