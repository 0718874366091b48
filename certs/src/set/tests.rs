//! Certificate selection: the table itself, and real in-memory handshakes through the resolver.

use std::sync::Arc;

use rustls::version::{TLS12, TLS13};
use rustls::SupportedProtocolVersion;
use rustls_pki_types::CertificateDer;

use crate::testutil::{served_cert, server_config, Sni, TestCa, Verify};
use crate::{load_pair, CertSet, LoadedCert, SniResolver};

/// Three certificates: exact names, a wildcard, and one meant as the default.
struct Fixture {
    ca: TestCa,
    _dir: tempfile::TempDir,
    certs: Vec<LoadedCert>,
    exact: CertificateDer<'static>,
    wildcard: CertificateDer<'static>,
    default: CertificateDer<'static>,
}

fn fixture() -> Fixture {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut certs = Vec::new();
    let mut ders = Vec::new();
    for (stem, names) in [
        ("exact", &["app.example.com", "Other.Example.COM"][..]),
        ("wildcard", &["*.example.com"][..]),
        ("default", &["default.test"][..]),
    ] {
        let leaf = ca.leaf(names);
        certs.push(load_pair(&leaf.write(dir.path(), stem)).expect("load"));
        ders.push(leaf.der);
    }
    let default = ders.pop().expect("3 certs");
    let wildcard = ders.pop().expect("3 certs");
    let exact = ders.pop().expect("3 certs");
    Fixture {
        ca,
        _dir: dir,
        certs,
        exact,
        wildcard,
        default,
    }
}

fn leaf_of(set: &CertSet, sni: Option<&str>) -> Option<CertificateDer<'static>> {
    set.select(sni).map(|k| k.cert[0].clone())
}

#[test]
fn select_prefers_exact_then_wildcard_then_default() {
    let f = fixture();
    let set = CertSet::new(f.certs.clone(), Some(2));
    let cases: [(Option<&str>, &CertificateDer<'static>); 12] = [
        (Some("app.example.com"), &f.exact),
        (Some("APP.Example.Com"), &f.exact),
        (Some("app.example.com."), &f.exact),
        (Some("other.example.com"), &f.exact),
        (Some("x.example.com"), &f.wildcard),
        (Some("X.EXAMPLE.COM."), &f.wildcard),
        (Some("a.b.example.com"), &f.default),
        (Some("example.com"), &f.default),
        (Some(".example.com"), &f.default),
        (Some("unknown.test"), &f.default),
        (Some(""), &f.default),
        (None, &f.default),
    ];
    for (sni, want) in cases {
        assert_eq!(leaf_of(&set, sni).as_ref(), Some(want), "sni {sni:?}");
    }
}

#[test]
fn covers_ignores_the_default() {
    let f = fixture();
    let set = CertSet::new(f.certs, Some(2));
    for host in [
        "app.example.com",
        "OTHER.example.com.",
        "x.example.com",
        "default.test",
    ] {
        assert!(set.covers(host), "{host} should be covered");
    }
    for host in ["a.b.example.com", "example.com", "unknown.test", "", "."] {
        assert!(!set.covers(host), "{host} should not be covered");
    }
}

#[test]
fn default_falls_back_to_the_first_certificate() {
    let f = fixture();
    let first = CertSet::new(f.certs.clone(), None);
    assert_eq!(leaf_of(&first, None), Some(f.exact.clone()));
    let out_of_range = CertSet::new(f.certs.clone(), Some(7));
    assert_eq!(leaf_of(&out_of_range, Some("nope.test")), Some(f.exact));
    let empty = CertSet::new(Vec::new(), None);
    assert!(empty.select(None).is_none());
    assert!(empty.select(Some("app.example.com")).is_none());
}

#[test]
fn the_earlier_certificate_wins_a_shared_name() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let other = f.ca.leaf(&["app.example.com"]);
    let loaded = load_pair(&other.write(dir.path(), "dup")).expect("load");
    let set = CertSet::new(vec![f.certs[0].clone(), loaded.clone()], None);
    assert_eq!(leaf_of(&set, Some("app.example.com")), Some(f.exact));
    let set = CertSet::new(vec![loaded, f.certs[0].clone()], None);
    assert_eq!(leaf_of(&set, Some("app.example.com")), Some(other.der));
}

const VERSIONS: [&SupportedProtocolVersion; 2] = [&TLS12, &TLS13];

#[test]
fn handshakes_serve_the_certificate_chosen_by_sni() {
    let f = fixture();
    let server = server_config(SniResolver::new(CertSet::new(f.certs, Some(2))));
    for version in VERSIONS {
        let v = version.version;
        // Names the certificate covers: full WebPKI verification must pass too.
        for (sni, want) in [
            ("app.example.com", &f.exact),
            ("APP.EXAMPLE.COM", &f.exact),
            ("x.example.com", &f.wildcard),
            ("default.test", &f.default),
        ] {
            let got = served_cert(&server, Sni::Send(sni), version, Verify::WebPki(&f.ca.der));
            assert_eq!(got.as_ref().ok(), Some(want), "{v:?} sni {sni}: {got:?}");
        }
        // Names only the default answers for. Without SNI the client still expects
        // app.example.com, which must not influence the server.
        for sni in [
            Sni::Send("a.b.example.com"),
            Sni::Send("unknown.test"),
            Sni::Withhold("app.example.com"),
        ] {
            let got = served_cert(&server, sni, version, Verify::AnyCert);
            assert_eq!(
                got.as_ref().ok(),
                Some(&f.default),
                "{v:?} sni {sni:?}: {got:?}"
            );
        }
    }
}

#[test]
fn the_default_does_not_verify_for_names_it_does_not_cover() {
    // Guards the previous test: the AnyCert client is needed there because a real
    // client rejects the default certificate for an unknown name.
    let f = fixture();
    let server = server_config(SniResolver::new(CertSet::new(f.certs, Some(2))));
    let got = served_cert(
        &server,
        Sni::Send("unknown.test"),
        &TLS13,
        Verify::WebPki(&f.ca.der),
    );
    assert!(got.is_err(), "{got:?}");
}

#[test]
fn replace_changes_the_certificate_for_new_handshakes() {
    let f = fixture();
    let resolver = SniResolver::new(CertSet::new(vec![f.certs[0].clone()], None));
    let server = server_config(resolver.clone());
    let sni = Sni::Send("app.example.com");
    let verify = || Verify::WebPki(&f.ca.der);
    assert_eq!(
        served_cert(&server, sni, &TLS13, verify()).ok(),
        Some(f.exact.clone())
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let renewed = f.ca.leaf(&["app.example.com"]);
    let loaded = load_pair(&renewed.write(dir.path(), "renewed")).expect("load");
    resolver.replace(CertSet::new(vec![loaded], None));

    assert_eq!(resolver.current().certs().len(), 1);
    for version in VERSIONS {
        let got = served_cert(&server, sni, version, verify());
        assert_eq!(got.ok().as_ref(), Some(&renewed.der));
    }
}

#[test]
fn an_empty_set_fails_the_handshake() {
    let server = server_config(SniResolver::new(CertSet::new(Vec::new(), None)));
    let got = served_cert(
        &server,
        Sni::Send("app.example.com"),
        &TLS13,
        Verify::AnyCert,
    );
    assert!(got.is_err(), "{got:?}");
}

#[test]
fn resolver_is_debug_send_sync_and_redacts_keys() {
    fn assert_bounds<T: std::fmt::Debug + Send + Sync>(_: &T) {}
    let f = fixture();
    let resolver: Arc<SniResolver> = SniResolver::new(CertSet::new(f.certs, None));
    assert_bounds(&*resolver);
    let text = format!("{resolver:?}");
    assert!(text.contains("app.example.com"), "{text}");
    assert!(!text.to_lowercase().contains("private"), "{text}");
}
