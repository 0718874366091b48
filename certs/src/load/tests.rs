//! Loading pairs from disk: the good cases and every refusal, each naming the file.

use std::path::Path;
use std::time::{Duration, SystemTime};

use rcgen::{CertificateParams, DnType, SanType};

use crate::testutil::TestCa;
use crate::{load_pair, CertError, CertSource};

const DAY: Duration = Duration::from_secs(24 * 3600);

fn write(dir: &Path, name: &str, contents: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write fixture");
    path
}

/// Asserts the message names `path`, and returns the message.
fn message_names(err: &CertError, path: &Path) -> String {
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    text
}

#[test]
fn a_good_pair_loads_with_normalized_names() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut params = TestCa::params(&["App.Example.COM", "*.Example.com", "app.example.com"]);
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    let src = ca.leaf_with(params).write(dir.path(), "good");

    let loaded = load_pair(&src).expect("load");
    assert_eq!(loaded.names, ["app.example.com", "*.example.com"]);
    assert_eq!(loaded.source.as_deref(), Some(src.cert.as_path()));
    assert_eq!(loaded.key.cert.len(), 1);
    assert!(loaded.not_after > SystemTime::now() + 29 * DAY);
    assert!(loaded.not_after < SystemTime::now() + 31 * DAY);
    assert!(loaded.not_before < SystemTime::now());
    assert!(!loaded.expires_within(DAY));
    assert!(loaded.expires_within(31 * DAY));
}

#[test]
fn a_chain_and_a_combined_file_load() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let leaf = ca.leaf(&["chain.test"]);
    let both = write(
        dir.path(),
        "combined.pem",
        &format!("{}{}{}", leaf.cert_pem, ca.pem, leaf.key_pem),
    );
    let loaded = load_pair(&CertSource {
        cert: both.clone(),
        key: both,
    })
    .expect("load");
    assert_eq!(loaded.key.cert.len(), 2);
    assert_eq!(loaded.key.cert[0], leaf.der);
    assert_eq!(loaded.key.cert[1], ca.der);
}

#[test]
fn an_unreadable_file_is_a_read_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.pem");
    let err = load_pair(&CertSource {
        cert: missing.clone(),
        key: missing.clone(),
    })
    .expect_err("missing file");
    assert!(
        matches!(&err, CertError::Read { path, .. } if *path == missing),
        "{err:?}"
    );
    let text = message_names(&err, &missing);
    assert!(text.contains("No such file"), "{text}");
}

#[test]
fn an_empty_certificate_file_has_no_certificate() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = ca.leaf(&["a.test"]).write(dir.path(), "good");
    let empty = write(dir.path(), "empty.pem", "");
    let err = load_pair(&CertSource {
        cert: empty.clone(),
        key: good.key,
    })
    .expect_err("empty");
    assert!(
        matches!(&err, CertError::NoCertificate { path, .. } if *path == empty),
        "{err:?}"
    );
    assert!(message_names(&err, &empty).contains("empty"));
}

#[test]
fn a_key_in_place_of_the_certificate_has_no_certificate() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = ca.leaf(&["a.test"]).write(dir.path(), "good");
    let err = load_pair(&CertSource {
        cert: good.key.clone(),
        key: good.key.clone(),
    })
    .expect_err("key only");
    assert!(
        matches!(&err, CertError::NoCertificate { path, .. } if *path == good.key),
        "{err:?}"
    );
    assert!(message_names(&err, &good.key).contains("PRIVATE KEY"));
}

#[test]
fn a_certificate_in_place_of_the_key_has_no_private_key() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = ca.leaf(&["a.test"]).write(dir.path(), "good");
    let err = load_pair(&CertSource {
        cert: good.cert.clone(),
        key: good.cert.clone(),
    })
    .expect_err("cert only");
    assert!(
        matches!(&err, CertError::NoPrivateKey { path, .. } if *path == good.cert),
        "{err:?}"
    );
    assert!(message_names(&err, &good.cert).contains("CERTIFICATE"));
}

#[test]
fn an_encrypted_key_is_reported_as_such() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = ca.leaf(&["a.test"]).write(dir.path(), "good");
    let encrypted = write(
        dir.path(),
        "enc.key",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n",
    );
    let err = load_pair(&CertSource {
        cert: good.cert,
        key: encrypted.clone(),
    })
    .expect_err("encrypted");
    assert!(matches!(&err, CertError::NoPrivateKey { .. }), "{err:?}");
    assert!(message_names(&err, &encrypted).contains("encrypted"));
}

#[test]
fn a_key_from_another_certificate_does_not_match() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let one = ca.leaf(&["a.test"]).write(dir.path(), "one");
    let two = ca.leaf(&["a.test"]).write(dir.path(), "two");
    let err = load_pair(&CertSource {
        cert: one.cert.clone(),
        key: two.key.clone(),
    })
    .expect_err("mismatch");
    assert!(
        matches!(&err, CertError::KeyMismatch { cert, key } if *cert == one.cert && *key == two.key),
        "{err:?}"
    );
    message_names(&err, &one.cert);
    message_names(&err, &two.key);
}

#[test]
fn an_expired_certificate_is_refused() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut params = TestCa::params(&["old.test"]);
    params.not_before = (SystemTime::now() - 90 * DAY).into();
    params.not_after = (SystemTime::now() - DAY).into();
    let src = ca.leaf_with(params).write(dir.path(), "old");
    let err = load_pair(&src).expect_err("expired");
    assert!(
        matches!(&err, CertError::Expired { path, .. } if *path == src.cert),
        "{err:?}"
    );
    message_names(&err, &src.cert);
}

#[test]
fn a_certificate_from_the_future_is_refused() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut params = TestCa::params(&["new.test"]);
    params.not_before = (SystemTime::now() + 2 * DAY).into();
    params.not_after = (SystemTime::now() + 90 * DAY).into();
    let src = ca.leaf_with(params).write(dir.path(), "new");
    let err = load_pair(&src).expect_err("not yet valid");
    assert!(
        matches!(&err, CertError::NotYetValid { path, .. } if *path == src.cert),
        "{err:?}"
    );
    message_names(&err, &src.cert);
}

#[test]
fn a_certificate_without_dns_names_is_refused() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "cn-only.test");
    params.not_before = (SystemTime::now() - DAY).into();
    params.not_after = (SystemTime::now() + DAY).into();
    let src = ca.leaf_with(params).write(dir.path(), "ip");
    let err = load_pair(&src).expect_err("no dns");
    assert!(
        matches!(&err, CertError::NoDnsName { path } if *path == src.cert),
        "{err:?}"
    );
    message_names(&err, &src.cert);
}

#[test]
fn malformed_pem_and_garbage_der_are_refused() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = ca.leaf(&["a.test"]).write(dir.path(), "good");
    let torn = write(
        dir.path(),
        "torn.pem",
        "-----BEGIN CERTIFICATE-----\nMAA=\n",
    );
    let err = load_pair(&CertSource {
        cert: torn.clone(),
        key: good.key.clone(),
    })
    .expect_err("torn");
    assert!(
        matches!(&err, CertError::Pem { path, .. } if *path == torn),
        "{err:?}"
    );

    let garbage = write(
        dir.path(),
        "garbage.pem",
        "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
    );
    let err = load_pair(&CertSource {
        cert: garbage.clone(),
        key: good.key,
    })
    .expect_err("garbage");
    assert!(
        matches!(&err, CertError::BadCertificate { path, .. } if *path == garbage),
        "{err:?}"
    );
    message_names(&err, &garbage);
}
