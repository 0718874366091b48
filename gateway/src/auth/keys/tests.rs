use std::time::Duration;

use super::*;
use crate::auth::testutil::{load, ring, DAY, T0};

/// Ids of the ring's cookie keys, newest first.
fn session_key_ids(ring: &KeyRing) -> Vec<u32> {
    ring.session.iter().map(|k| k.id).collect()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn creates_private_files_and_dir() {
    let (dir, _ring) = ring();
    let keys = dir.path().join("keys");
    assert_eq!(mode(&keys), 0o700);
    for f in [SESSION_KEYS_FILE, SIGNING_KEYS_FILE, SECRET_FILE] {
        assert_eq!(mode(&keys.join(f)), 0o600, "{f}");
    }
    let leftovers: Vec<_> = fs::read_dir(&keys)
        .expect("read_dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left behind");
}

#[test]
fn reload_keeps_the_same_keys() {
    let (dir, first) = ring();
    let again = load(dir.path(), T0 + 10);
    assert_eq!(session_key_ids(&first), session_key_ids(&again));
    assert_eq!(first.signing_key().kid, again.signing_key().kid);
    let a = hmac::sign(first.pairwise_key(), b"x");
    let b = hmac::sign(again.pairwise_key(), b"x");
    assert_eq!(a.as_ref(), b.as_ref());
    assert_ne!(
        hmac::sign(first.code_key(), b"x").as_ref(),
        a.as_ref(),
        "derived keys differ by purpose"
    );
}

#[test]
fn rotates_and_keeps_old_keys_until_their_sessions_expire() {
    let (dir, first) = ring();
    let old = first.sealing_key().id;
    let still = load(dir.path(), T0 + 7 * DAY - 1);
    assert_eq!(session_key_ids(&still), vec![old], "not yet due");

    let rotated = load(dir.path(), T0 + 7 * DAY);
    let ids = session_key_ids(&rotated);
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], old, "a new key seals");
    assert!(
        rotated.opening_key(old).is_some(),
        "the old key still opens"
    );

    // The old key stopped sealing at T0 + 7d; sessions last at most 1 day.
    let later = load(dir.path(), T0 + 8 * DAY - 1);
    assert!(later.opening_key(old).is_some());
    let gone = load(dir.path(), T0 + 8 * DAY);
    assert!(
        gone.opening_key(old).is_none(),
        "retired after max lifetime"
    );
    assert_eq!(session_key_ids(&gone), vec![ids[0]]);
}

#[test]
fn late_rotation_keeps_old_key_for_a_full_lifetime() {
    let (dir, first) = ring();
    let old = first.sealing_key().id;
    // The gateway was down for a month: the old key sealed until now.
    let now = T0 + 30 * DAY;
    let rotated = load(dir.path(), now);
    assert!(rotated.opening_key(old).is_some());
    assert!(load(dir.path(), now + DAY - 1).opening_key(old).is_some());
}

#[test]
fn jwks_publishes_current_and_previous_signing_keys() {
    let (dir, first) = ring();
    let old_kid = first.signing_key().kid.clone();
    let jwks = first.jwks();
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1));

    let _ = load(dir.path(), T0 + 7 * DAY);
    let third = load(dir.path(), T0 + 14 * DAY);
    let jwks = third.jwks();
    let keys = jwks["keys"].as_array().cloned().unwrap_or_default();
    assert_eq!(keys.len(), 2, "current and previous only");
    assert_ne!(keys[0]["kid"], old_kid.as_str());
    assert_eq!(keys[0]["kid"], third.signing_key().kid.as_str());
    for k in &keys {
        assert_eq!(k["kty"], "EC");
        assert_eq!(k["crv"], "P-256");
        assert_eq!(k["alg"], "ES256");
        assert_eq!(k["x"].as_str().map(str::len), Some(43));
        assert_eq!(k["y"].as_str().map(str::len), Some(43));
        assert!(k.get("d").is_none(), "no private part");
    }
}

#[test]
fn signatures_verify_with_the_published_key() {
    let (_dir, ring) = ring();
    let key = ring.signing_key();
    let sig = key.sign(ring.rng(), b"message").expect("sign");
    assert_eq!(sig.len(), 64);
    let jwks = ring.jwks();
    let jwk = jwks["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == key.kid.as_str()))
        .expect("signing key published");
    let coord = |c: &str| jwk[c].as_str().and_then(unb64).expect("coordinate");
    // The uncompressed point: 0x04 || X || Y.
    let point = [vec![4u8], coord("x"), coord("y")].concat();
    let public =
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point);
    assert!(public.verify(b"message", &sig).is_ok());
    assert!(public.verify(b"messagf", &sig).is_err());
}

#[test]
fn corrupt_key_file_is_an_error_not_a_panic() {
    let (dir, _ring) = ring();
    let path = dir.path().join("keys").join(SESSION_KEYS_FILE);
    for body in [
        "not json",
        r#"{"keys":[{"id":"1","created_at":1,"secret":"short"}]}"#,
    ] {
        fs::write(&path, body).expect("write");
        let err = KeyRing::load_or_create(
            dir.path(),
            Duration::from_secs(DAY),
            Duration::from_secs(DAY),
            T0,
        )
        .expect_err("corrupt file refused");
        assert!(matches!(err, AuthError::KeyFile { .. }), "{err:?}");
    }
}

#[test]
fn loose_permissions_are_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _ring) = ring();
    let path = dir.path().join("keys").join(SECRET_FILE);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    let _ = load(dir.path(), T0);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn debug_never_shows_secrets() {
    let (dir, ring) = ring();
    let text = format!("{ring:?} {:?}", crate::auth::Secret32([7; 32]));
    let stored = fs::read_to_string(dir.path().join("keys").join(SECRET_FILE)).expect("read");
    let secret: serde_json::Value = serde_json::from_str(&stored).expect("json");
    let secret = secret["keys"][0]["secret"]
        .as_str()
        .unwrap_or("?")
        .to_string();
    assert!(!text.contains(&secret));
    assert!(text.contains("[redacted]"));
    assert!(!text.contains("7, 7"));
}
