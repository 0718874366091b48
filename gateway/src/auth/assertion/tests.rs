use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
use serde_json::Value;

use super::*;
use crate::auth::testutil::{load, ring, DAY, T0};
use crate::auth::{b64, unb64};

const ISS: &str = "https://auth.sites.example.com";
const AUD: &str = "https://crm.acme.sites.example.com";

fn claims(groups: &[String]) -> AssertionClaims<'_> {
    AssertionClaims {
        iss: ISS,
        aud: AUD,
        sub: "pairwise-id-0123456789",
        email: Some("ana@acme.com"),
        name: Some("Ana"),
        role: Some("admin"),
        groups,
    }
}

/// Verifies `token` against the published JWKS the way a site would; returns the payload.
fn verify(jwks: &Value, token: &str) -> Result<Value, String> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not three parts".into());
    };
    let header: Value =
        serde_json::from_slice(&unb64(h).ok_or("header b64")?).map_err(|e| e.to_string())?;
    if header["alg"] != "ES256" {
        return Err("alg".into());
    }
    let jwk = jwks["keys"]
        .as_array()
        .and_then(|ks| ks.iter().find(|k| k["kid"] == header["kid"]))
        .ok_or("unknown kid")?;
    let mut point = vec![4u8];
    point.extend(unb64(jwk["x"].as_str().unwrap_or_default()).ok_or("x")?);
    point.extend(unb64(jwk["y"].as_str().unwrap_or_default()).ok_or("y")?);
    let sig = unb64(s).ok_or("sig b64")?;
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
        .verify(format!("{h}.{p}").as_bytes(), &sig)
        .map_err(|_| "bad signature".to_string())?;
    serde_json::from_slice(&unb64(p).ok_or("payload b64")?).map_err(|e| e.to_string())
}

#[test]
fn assertion_verifies_against_jwks_with_expected_claims() {
    let (_d, keys) = ring();
    let groups = vec!["eng".to_string()];
    let (token, exp) = sign(&keys, &claims(&groups), Duration::from_secs(3600), T0).expect("sign");
    assert_eq!(exp, T0 + MAX_LIFETIME, "lifetime capped at five minutes");
    let payload = verify(&keys.jwks(), &token).expect("verifies");
    assert_eq!(payload["iss"], ISS);
    assert_eq!(payload["aud"], AUD);
    assert_eq!(payload["sub"], "pairwise-id-0123456789");
    assert_eq!(payload["email"], "ana@acme.com");
    assert_eq!(payload["role"], "admin");
    assert_eq!(payload["groups"], serde_json::json!(["eng"]));
    assert_eq!(payload["iat"], T0);
    assert_eq!(payload["exp"], T0 + 300);
    let header: Value = serde_json::from_slice(
        &unb64(token.split('.').next().unwrap_or_default()).unwrap_or_default(),
    )
    .unwrap_or_default();
    assert_eq!(header["kid"], keys.signing_key().kid.as_str());
    assert_eq!(header["typ"], "JWT");
}

#[test]
fn tampered_assertion_fails_verification() {
    let (_d, keys) = ring();
    let (token, _) = sign(&keys, &claims(&[]), Duration::from_secs(60), T0).expect("sign");
    let mut parts: Vec<&str> = token.split('.').collect();
    let forged =
        b64(br#"{"iss":"x","aud":"y","sub":"admin","groups":[],"iat":0,"exp":9999999999}"#);
    parts[1] = &forged;
    assert!(verify(&keys.jwks(), &parts.join(".")).is_err());
    let (_d2, other) = ring();
    assert!(verify(&other.jwks(), &token).is_err(), "other ring's JWKS");
}

#[test]
fn absent_optional_claims_are_omitted() {
    let (_d, keys) = ring();
    let c = AssertionClaims {
        email: None,
        name: None,
        role: None,
        ..claims(&[])
    };
    let (token, _) = sign(&keys, &c, Duration::from_secs(60), T0).expect("sign");
    let payload = verify(&keys.jwks(), &token).expect("verifies");
    assert!(payload.get("email").is_none() && payload.get("role").is_none());
}

#[test]
fn cache_reuses_until_a_minute_is_left() {
    let (_d, keys) = ring();
    let cache = AssertionCache::new(Duration::from_secs(300), 100);
    let groups = vec![];
    let c = claims(&groups);
    let first = cache.get_or_sign(&keys, "s1", &c, T0).expect("sign");
    assert_eq!(
        cache.get_or_sign(&keys, "s1", &c, T0 + 240).expect("hit"),
        first
    );
    let renewed = cache.get_or_sign(&keys, "s1", &c, T0 + 241).expect("renew");
    assert_ne!(renewed, first);
    let payload = verify(&keys.jwks(), renewed.to_str().unwrap_or_default()).expect("verifies");
    assert_eq!(payload["exp"], T0 + 241 + 300);
    assert_ne!(
        cache.get_or_sign(&keys, "s2", &c, T0).expect("other"),
        first
    );
    assert_eq!(cache.entries.len(), 2);
}

#[test]
fn cache_resigns_when_claims_or_key_change() {
    let (dir, keys) = ring();
    let cache = AssertionCache::new(Duration::from_secs(300), 100);
    let before = vec!["eng".to_string()];
    let after = vec!["eng".to_string(), "admins".to_string()];
    let first = cache
        .get_or_sign(&keys, "s1", &claims(&before), T0)
        .expect("sign");
    let changed = cache
        .get_or_sign(&keys, "s1", &claims(&after), T0 + 1)
        .expect("sign");
    assert_ne!(first, changed, "group change re-signs");
    let payload = verify(&keys.jwks(), changed.to_str().unwrap_or_default()).expect("ok");
    assert_eq!(payload["groups"], serde_json::json!(["eng", "admins"]));

    let rotated = load(dir.path(), T0 + 7 * DAY);
    let resigned = cache
        .get_or_sign(&rotated, "s1", &claims(&after), T0 + 2)
        .expect("sign");
    assert_ne!(resigned, changed, "new signing key re-signs");
    assert!(verify(&rotated.jwks(), resigned.to_str().unwrap_or_default()).is_ok());
    assert!(
        verify(&rotated.jwks(), changed.to_str().unwrap_or_default()).is_ok(),
        "previous key still published"
    );
}

#[test]
fn cache_stays_bounded() {
    let (_d, keys) = ring();
    let cache = AssertionCache::new(Duration::from_secs(300), 2);
    let c = claims(&[]);
    for s in ["a", "b", "c"] {
        assert!(cache.get_or_sign(&keys, s, &c, T0).is_ok());
    }
    assert_eq!(cache.entries.len(), 2);
    assert!(cache.get_or_sign(&keys, "d", &c, T0 + 250).is_ok());
    assert_eq!(cache.entries.len(), 1, "swept the stale ones");
}
