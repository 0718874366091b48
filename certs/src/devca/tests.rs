//! The development CA: created once, reused, issuing leaves that real verifiers accept.

use std::path::Path;
use std::time::{Duration, SystemTime};

use rcgen::{CertificateParams, KeyPair};
use rustls::client::danger::ServerCertVerifier;
use rustls::version::{TLS12, TLS13};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::testutil::{served_cert, server_config, webpki_verifier, Sni, Verify};
use crate::{load_pair, CertError, CertSet, DevCa, SniResolver};

fn hosts(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn verify(ca: &CertificateDer<'static>, leaf: &CertificateDer<'_>, host: &str) -> bool {
    let name = ServerName::try_from(host.to_string()).expect("server name");
    webpki_verifier(ca)
        .verify_server_cert(leaf, &[], &name, &[], UnixTime::now())
        .is_ok()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn the_ca_is_created_once_and_reused() {
    let state = tempfile::tempdir().expect("tempdir");
    let first = DevCa::load_or_create(state.path()).expect("create");
    let dir = state.path().join("dev-ca");
    assert_eq!(first.ca_path(), dir.join("ca.pem"));
    assert_eq!(
        std::fs::read_to_string(first.ca_path()).expect("ca.pem"),
        first.ca_pem()
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir.join("ca.key")), 0o600);
        assert_eq!(mode(&dir), 0o700);
    }
    let second = DevCa::load_or_create(state.path()).expect("reload");
    assert_eq!(first.ca_pem(), second.ca_pem());
    assert_eq!(first.ca_der(), second.ca_der());
    // No stray temp files are left behind.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["ca.key", "ca.pem"]);
}

#[test]
fn issued_leaves_verify_for_each_host_also_after_reload() {
    let state = tempfile::tempdir().expect("tempdir");
    let created = DevCa::load_or_create(state.path()).expect("create");
    let reloaded = DevCa::load_or_create(state.path()).expect("reload");
    let names = hosts(&["App.Dev.Test.", "localhost", "*.wild.test"]);
    for ca in [&created, &reloaded] {
        let leaf = ca.issue(&names).expect("issue");
        assert_eq!(leaf.names, ["app.dev.test", "localhost", "*.wild.test"]);
        assert_eq!(leaf.source, None);
        let der = leaf.leaf_der().expect("leaf");
        for host in ["app.dev.test", "localhost", "x.wild.test"] {
            assert!(verify(created.ca_der(), der, host), "{host} should verify");
        }
        for host in ["other.dev.test", "a.b.wild.test", "wild.test"] {
            assert!(
                !verify(created.ca_der(), der, host),
                "{host} should not verify"
            );
        }
        let ttl = leaf
            .not_after
            .duration_since(SystemTime::now())
            .expect("in the future");
        assert!(ttl > Duration::from_secs(29 * 86400) && ttl <= super::DEV_LEAF_VALIDITY);
    }
}

#[test]
fn a_leaf_from_another_ca_does_not_verify() {
    let one = tempfile::tempdir().expect("tempdir");
    let two = tempfile::tempdir().expect("tempdir");
    let ca_one = DevCa::load_or_create(one.path()).expect("create");
    let ca_two = DevCa::load_or_create(two.path()).expect("create");
    assert_ne!(ca_one.ca_pem(), ca_two.ca_pem());
    let leaf = ca_two.issue(&hosts(&["app.dev.test"])).expect("issue");
    let der = leaf.leaf_der().expect("leaf");
    assert!(!verify(ca_one.ca_der(), der, "app.dev.test"));
}

#[test]
fn issued_certificates_serve_through_the_resolver() {
    let state = tempfile::tempdir().expect("tempdir");
    let ca = DevCa::load_or_create(state.path()).expect("create");
    let leaf = ca.issue(&hosts(&["app.dev.test"])).expect("issue");
    let want = leaf.leaf_der().expect("leaf").clone();
    let server = server_config(SniResolver::new(CertSet::new(vec![leaf], None)));
    for version in [&TLS12, &TLS13] {
        let got = served_cert(
            &server,
            Sni::Send("app.dev.test"),
            version,
            Verify::WebPki(ca.ca_der()),
        );
        assert_eq!(got.ok(), Some(want.clone()));
    }
}

#[test]
fn issue_to_files_writes_a_pair_that_loads() {
    let state = tempfile::tempdir().expect("tempdir");
    let out = tempfile::tempdir().expect("tempdir");
    let ca = DevCa::load_or_create(state.path()).expect("create");
    let src = ca
        .issue_to_files(&hosts(&["*.bench.test", "bench.test"]), out.path())
        .expect("issue");
    assert_eq!(src.cert, out.path().join("_wildcard.bench.test.pem"));
    #[cfg(unix)]
    assert_eq!(mode(&src.key), 0o600);
    let loaded = load_pair(&src).expect("load");
    assert_eq!(loaded.names, ["*.bench.test", "bench.test"]);
    let der = loaded.leaf_der().expect("leaf");
    assert!(verify(ca.ca_der(), der, "x.bench.test"));
}

#[test]
fn bad_hostnames_are_refused() {
    let state = tempfile::tempdir().expect("tempdir");
    let ca = DevCa::load_or_create(state.path()).expect("create");
    for bad in [
        &[][..],
        &["127.0.0.1"],
        &["a*.dev.test"],
        &["bad..name"],
        &["."],
    ] {
        let err = ca.issue(&hosts(bad)).expect_err("refused");
        assert!(
            matches!(err, CertError::InvalidHost { .. }),
            "{bad:?}: {err:?}"
        );
    }
}

#[test]
fn name_constraints_are_in_the_ca_and_enforced() {
    let state = tempfile::tempdir().expect("tempdir");
    let permitted = hosts(&["Dev.Test"]);
    let ca = DevCa::load_or_create_constrained(state.path(), &permitted).expect("create");
    assert_eq!(ca.permitted_domains(), ["dev.test"]);
    let leaf = ca
        .issue(&hosts(&["a.dev.test", "dev.test"]))
        .expect("inside");
    assert!(verify(
        ca.ca_der(),
        leaf.leaf_der().expect("leaf"),
        "a.dev.test"
    ));
    let err = ca.issue(&hosts(&["evil.example"])).expect_err("outside");
    assert!(matches!(err, CertError::InvalidHost { .. }), "{err:?}");

    // The constraint survives a reload, and verifiers enforce it even for a leaf
    // signed with the CA key directly.
    let reloaded = DevCa::load_or_create(state.path()).expect("reload");
    assert_eq!(reloaded.permitted_domains(), ["dev.test"]);
    let mut params = CertificateParams::new(hosts(&["evil.example"])).expect("params");
    params.not_before = (SystemTime::now() - Duration::from_secs(3600)).into();
    let leaf_key = KeyPair::generate().expect("key");
    let evil = params
        .signed_by(&leaf_key, &reloaded.issuer)
        .expect("sign directly");
    assert!(!verify(ca.ca_der(), evil.der(), "evil.example"));
    // The same direct signing inside the constraint verifies, so the refusal above
    // is the name constraint and not a broken leaf.
    let mut params = CertificateParams::new(hosts(&["b.dev.test"])).expect("params");
    params.not_before = (SystemTime::now() - Duration::from_secs(3600)).into();
    let good = params.signed_by(&leaf_key, &reloaded.issuer).expect("sign");
    assert!(verify(ca.ca_der(), good.der(), "b.dev.test"));
}

#[test]
fn a_missing_key_is_an_error_and_a_stray_key_is_replaced() {
    let state = tempfile::tempdir().expect("tempdir");
    let ca = DevCa::load_or_create(state.path()).expect("create");
    let key = state.path().join("dev-ca/ca.key");
    std::fs::remove_file(&key).expect("remove key");
    let err = DevCa::load_or_create(state.path()).expect_err("no key");
    assert!(
        matches!(&err, CertError::DevCa { path, .. } if *path == key),
        "{err:?}"
    );

    // A key without a certificate (crash during creation) gives a fresh CA.
    std::fs::write(&key, "junk").expect("write");
    std::fs::remove_file(ca.ca_path()).expect("remove cert");
    let fresh = DevCa::load_or_create(state.path()).expect("recreate");
    assert_ne!(fresh.ca_pem(), ca.ca_pem());
}

#[test]
fn a_foreign_key_is_a_mismatch_and_loose_permissions_are_tightened() {
    let state = tempfile::tempdir().expect("tempdir");
    DevCa::load_or_create(state.path()).expect("create");
    let key = state.path().join("dev-ca/ca.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let loose = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(&key, loose).expect("chmod");
        DevCa::load_or_create(state.path()).expect("reload");
        assert_eq!(mode(&key), 0o600);
    }
    let other = KeyPair::generate().expect("key");
    std::fs::write(&key, other.serialize_pem()).expect("write");
    let err = DevCa::load_or_create(state.path()).expect_err("mismatch");
    assert!(matches!(&err, CertError::KeyMismatch { .. }), "{err:?}");
}
