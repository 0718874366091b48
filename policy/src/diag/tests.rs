//! Unit tests for the strict TOML loader and span lookups.

use std::path::Path;

use serde::Deserialize;

use super::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Strict {
    name: String,
    #[serde(default)]
    inner: Option<Inner>,
    #[serde(default)]
    items: Vec<Inner>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Inner {
    port: u16,
}

/// No `deny_unknown_fields`: unknown keys must still be reported.
#[derive(Debug, Deserialize)]
struct Lenient {
    #[allow(dead_code)]
    name: String,
    #[allow(dead_code)]
    #[serde(default)]
    inner: Option<LenientInner>,
}

#[derive(Debug, Deserialize)]
struct LenientInner {
    #[allow(dead_code)]
    port: u16,
}

fn file() -> &'static Path {
    Path::new("conf/sitegate.toml")
}

#[test]
fn every_unknown_key_is_reported_with_accepted_keys() {
    let text =
        "name = \"x\"\ncolor = 1\n[inner]\nport = 1\nhots = 2\n[[items]]\nport = 2\nprot = 3\n";
    let err = parse_toml::<Strict>(file(), text).expect_err("unknown keys");
    assert_eq!(
        err.to_string(),
        "conf/sitegate.toml:2:1: color: unknown key \"color\"; expected one of name, inner, items\n\
         conf/sitegate.toml:5:1: inner.hots: unknown key \"hots\"; expected port\n\
         conf/sitegate.toml:8:1: items[0].prot: unknown key \"prot\"; expected port"
    );
}

#[test]
fn unknown_keys_are_reported_even_without_deny_unknown_fields() {
    let text = "name = \"x\"\nextra = true\n[inner]\nport = 1\nother = \"y\"\n";
    let err = parse_toml::<Lenient>(file(), text).expect_err("unknown keys");
    let keys: Vec<(&str, usize)> = err.iter().map(|d| (d.key.as_str(), d.line)).collect();
    assert_eq!(keys, [("extra", 2), ("inner.other", 5)]);
}

#[test]
fn type_errors_point_at_the_value() {
    let text = "name = \"x\"\n[inner]\nport = 70000\n";
    let err = parse_toml::<Strict>(file(), text).expect_err("out of range");
    let d = &err.0[0];
    assert_eq!((d.line, d.column, d.key.as_str()), (3, 8, "inner.port"));
    assert!(d.message.contains("70000"), "{}", d.message);
}

#[test]
fn missing_keys_point_at_their_table() {
    let err = parse_toml::<Strict>(file(), "name = \"x\"\n\n[inner]\n").expect_err("missing");
    assert_eq!(
        err.to_string(),
        "conf/sitegate.toml:3:1: inner: missing key \"port\""
    );
}

#[test]
fn syntax_errors_are_all_reported_with_positions() {
    let text = "name = \"x\nok = 1\n[a\nb = = 2\n";
    let err = parse_toml::<Strict>(file(), text).expect_err("syntax");
    assert!(err.len() >= 2, "{err}");
    assert!(err
        .iter()
        .all(|d| d.line >= 1 && d.message.starts_with("invalid TOML")));
}

#[test]
fn span_index_locates_keys_values_quoted_keys_and_array_items() {
    let text =
        "[members]\n\"alice@acme.com\" = \"owner\"\n[sites.crm]\nhosts = [\"a.b\", \"é.c\"]\n";
    let (_, idx) = parse_toml::<toml::Table>(file(), text).expect("valid");
    assert_eq!(idx.locate("members.\"alice@acme.com\""), (2, 20));
    assert_eq!(idx.locate_key("members.\"alice@acme.com\""), (2, 1));
    assert_eq!(idx.locate("sites.crm.hosts[1]"), (4, 17));
    assert_eq!(idx.locate("sites.crm.hosts"), (4, 9));
    // Missing keys resolve to the nearest present ancestor.
    assert_eq!(idx.locate("sites.crm.access"), idx.locate("sites.crm"));
    assert_eq!(idx.locate("nothing.here"), (1, 1));
    let d = idx.diag("sites.crm.hosts[1]", "bad host");
    assert_eq!(
        d.to_string(),
        "conf/sitegate.toml:4:17: sites.crm.hosts[1]: bad host"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let text = "a = \"ééé\"\nb = 1\nc = [\"ééé\", 2]\n";
    let (_, idx) = parse_toml::<toml::Table>(file(), text).expect("valid");
    assert_eq!(idx.locate("c[1]"), (3, 13));
}

#[test]
fn key_paths_quote_only_non_bare_keys() {
    assert_eq!(join_key("", "sites"), "sites");
    assert_eq!(join_key("sites", "crm-2_x"), "sites.crm-2_x");
    assert_eq!(join_key("members", "a@b.c"), "members.\"a@b.c\"");
    assert_eq!(join_index("sites.crm.rules", 3), "sites.crm.rules[3]");
    assert_eq!(spans::last_segment("members.\"a@b.c\""), "a@b.c");
}

#[test]
fn whole_file_diagnostics_have_no_position_or_key() {
    let d = Diagnostic::whole_file(Path::new("rbac/x.toml"), "cannot read file: gone");
    assert_eq!(d.to_string(), "rbac/x.toml: cannot read file: gone");
}
