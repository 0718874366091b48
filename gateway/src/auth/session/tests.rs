use super::*;
use crate::auth::testutil::{load, ring, DAY, T0};
use crate::auth::{b64, unb64};
use crate::cookies::clear_cookie;

const SITE_A: &str = "acme/crm";
const SITE_B: &str = "acme/wiki";

fn times() -> SessionTimes {
    SessionTimes::new(Duration::from_secs(DAY), Duration::from_secs(3600))
}

fn claims() -> UserPrincipal {
    UserPrincipal {
        idp: "okta".into(),
        issuer: "https://idp.example.com".into(),
        subject: "u-123".into(),
        email: Some("ana@acme.com".into()),
        email_verified: true,
        name: Some("Ana Núñez".into()),
        idp_groups: vec!["eng".into()],
    }
}

fn session(keys: &KeyRing, site: &str) -> SiteSession {
    SiteSession::issue(keys, site, claims(), times(), None, T0).expect("issue")
}

/// Decoded bytes of a sealed value, edited by `f`, encoded again.
fn edit(raw: &str, f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut bytes = unb64(raw).unwrap_or_default();
    f(&mut bytes);
    b64(&bytes)
}

#[test]
fn round_trip() {
    let (_d, keys) = ring();
    let s = session(&keys, SITE_A);
    let raw = s.seal(&keys).expect("seal");
    assert!(raw.len() < 1024, "cookie stays small: {}", raw.len());
    let opened = SiteSession::open(&keys, &raw, SITE_A, T0 + 1).expect("open");
    assert_eq!(opened, s);
    assert_eq!(opened.claims.subject, "u-123");
}

#[test]
fn sec_06_cookie_for_site_a_rejected_by_site_b() {
    let (_d, keys) = ring();
    let raw = session(&keys, SITE_A).seal(&keys).expect("seal");
    let err = SiteSession::open(&keys, &raw, SITE_B, T0 + 1).expect_err("other site");
    assert!(matches!(err, AuthError::WrongSite), "{err:?}");
}

#[test]
fn sec_06_forged_site_tag_fails_authentication() {
    // Give site A's cookie site B's public binding tag: authentication must fail.
    let (_d, keys) = ring();
    let a = session(&keys, SITE_A).seal(&keys).expect("seal");
    let b = session(&keys, SITE_B).seal(&keys).expect("seal");
    let b_tag = unb64(&b).unwrap_or_default()[5..9].to_vec();
    let forged = edit(&a, |bytes| bytes[5..9].copy_from_slice(&b_tag));
    let err = SiteSession::open(&keys, &forged, SITE_B, T0 + 1).expect_err("forged tag");
    assert!(matches!(err, AuthError::Tampered), "{err:?}");
}

#[test]
fn sec_06_session_cookie_attributes() {
    let (_d, keys) = ring();
    let header = session(&keys, SITE_A)
        .set_cookie(&keys, T0)
        .expect("cookie");
    assert!(header.starts_with("__Host-sitegate="));
    for attr in [
        "; Secure",
        "; HttpOnly",
        "; SameSite=Lax",
        "; Path=/",
        "; Max-Age=86400",
    ] {
        assert!(header.contains(attr), "{attr} in {header}");
    }
    assert!(!header.to_ascii_lowercase().contains("domain"), "{header}");
    let clear = clear_cookie(SITE_COOKIE);
    assert!(clear.starts_with("__Host-sitegate=;") && clear.contains("Max-Age=0"));
    assert!(clear.contains("; Secure") && clear.contains("; Path=/"));
}

#[test]
fn sec_07_every_sign_in_mints_a_fresh_session_id() {
    let (_d, keys) = ring();
    let a = session(&keys, SITE_A);
    let b = session(&keys, SITE_A);
    assert_ne!(a.session_id, b.session_id);
    assert_eq!(a.session_id.len(), 22);
    let sso = SsoSession::issue(&keys, claims(), "acme", DAY, T0).expect("sso");
    let from_sso = sso.site_session(&keys, SITE_A, times(), T0).expect("site");
    assert_ne!(from_sso.session_id, sso.session_id);
}

#[test]
fn sec_08_expired_cookie_rejected() {
    let (_d, keys) = ring();
    let raw = session(&keys, SITE_A).seal(&keys).expect("seal");
    assert!(SiteSession::open(&keys, &raw, SITE_A, T0 + 3599).is_ok());
    let idle = SiteSession::open(&keys, &raw, SITE_A, T0 + 3600).expect_err("idle");
    assert!(matches!(idle, AuthError::Expired), "{idle:?}");

    let mut s = session(&keys, SITE_A);
    s.idle_expires_at = u64::MAX;
    let raw = s.seal(&keys).expect("seal");
    let err = SiteSession::open(&keys, &raw, SITE_A, T0 + DAY).expect_err("lifetime");
    assert!(matches!(err, AuthError::Expired), "{err:?}");
}

#[test]
fn sec_08_tampered_cookie_rejected_at_every_byte() {
    let (_d, keys) = ring();
    let raw = session(&keys, SITE_A).seal(&keys).expect("seal");
    let len = unb64(&raw).map_or(0, |b| b.len());
    for i in 0..len {
        let tampered = edit(&raw, |b| b[i] ^= 0x01);
        assert!(
            SiteSession::open(&keys, &tampered, SITE_A, T0 + 1).is_err(),
            "flipped byte {i} accepted"
        );
    }
    assert!(matches!(
        SiteSession::open(&keys, &edit(&raw, |b| b[40] ^= 0x80), SITE_A, T0 + 1),
        Err(AuthError::Tampered)
    ));
}

#[test]
fn sec_08_truncated_or_garbage_cookie_rejected() {
    let (_d, keys) = ring();
    let raw = session(&keys, SITE_A).seal(&keys).expect("seal");
    for n in 0..raw.len() {
        assert!(
            SiteSession::open(&keys, &raw[..n], SITE_A, T0 + 1).is_err(),
            "prefix {n}"
        );
    }
    let long = "A".repeat(5000);
    for bad in ["", "%%%", "not base64!", long.as_str(), "AQ"] {
        let err = SiteSession::open(&keys, bad, SITE_A, T0 + 1).expect_err("garbage");
        assert!(matches!(err, AuthError::Malformed), "{bad}: {err:?}");
    }
    let appended = edit(&raw, |b| b.push(0));
    assert!(SiteSession::open(&keys, &appended, SITE_A, T0 + 1).is_err());
}

#[test]
fn sec_08_reordered_cookie_rejected() {
    let (_d, keys) = ring();
    let raw = session(&keys, SITE_A).seal(&keys).expect("seal");
    // Swap two 16-byte blocks of ciphertext, then swap nonce and first ciphertext bytes.
    let swapped = edit(&raw, |b| {
        let (x, y) = (21, 37);
        for k in 0..16 {
            b.swap(x + k, y + k);
        }
    });
    assert!(matches!(
        SiteSession::open(&keys, &swapped, SITE_A, T0 + 1),
        Err(AuthError::Tampered)
    ));
    let nonce_moved = edit(&raw, |b| b[9..33].rotate_left(12));
    assert!(SiteSession::open(&keys, &nonce_moved, SITE_A, T0 + 1).is_err());
    // Two valid cookies spliced: header and nonce of one, ciphertext of the other.
    let other = session(&keys, SITE_A).seal(&keys).expect("seal");
    let spliced = edit(&raw, |b| {
        let o = unb64(&other).unwrap_or_default();
        b.truncate(21);
        b.extend_from_slice(&o[21..]);
    });
    assert!(SiteSession::open(&keys, &spliced, SITE_A, T0 + 1).is_err());
}

#[test]
fn sec_08_foreign_key_cookie_rejected() {
    let (_d, keys) = ring();
    let (_d2, foreign) = ring();
    let raw = session(&foreign, SITE_A).seal(&foreign).expect("seal");
    let err = SiteSession::open(&keys, &raw, SITE_A, T0 + 1).expect_err("foreign");
    assert!(matches!(err, AuthError::UnknownKey), "{err:?}");
    // Same key id as ours, but sealed under the foreign key.
    let id = keys.sealing_key().id.to_be_bytes();
    let relabelled = edit(&raw, |b| b[1..5].copy_from_slice(&id));
    let err = SiteSession::open(&keys, &relabelled, SITE_A, T0 + 1).expect_err("foreign key");
    assert!(matches!(err, AuthError::Tampered), "{err:?}");
}

#[test]
fn sec_08_key_rotation_keeps_older_sessions_working() {
    let (dir, keys) = ring();
    let mut s = session(&keys, SITE_A);
    s.idle_expires_at = s.expires_at;
    let old = s.seal(&keys).expect("seal");
    let rotated = load(dir.path(), T0 + 7 * DAY);
    assert_ne!(rotated.sealing_key().id, keys.sealing_key().id);
    s.expires_at = T0 + 8 * DAY;
    s.idle_expires_at = s.expires_at;
    let old_long = s.seal(&keys).expect("seal");
    assert!(SiteSession::open(&rotated, &old_long, SITE_A, T0 + 7 * DAY).is_ok());
    let fresh = s.seal(&rotated).expect("seal");
    assert_eq!(
        unb64(&fresh).unwrap_or_default()[1..5],
        rotated.sealing_key().id.to_be_bytes()
    );
    // Once the old key is retired its cookies no longer open (they had expired anyway).
    let retired = load(dir.path(), T0 + 8 * DAY);
    assert!(matches!(
        SiteSession::open(&retired, &old, SITE_A, T0 + 8 * DAY),
        Err(AuthError::UnknownKey)
    ));
}

#[test]
fn purposes_do_not_mix() {
    let (_d, keys) = ring();
    let sso = SsoSession::issue(&keys, claims(), "acme", DAY, T0).expect("sso");
    let raw = sso.seal(&keys).expect("seal");
    assert!(SsoSession::open(&keys, &raw, T0 + 1).is_ok());
    assert!(SiteSession::open(&keys, &raw, "sign-in host", T0 + 1).is_err());
    let site_raw = session(&keys, SITE_A).seal(&keys).expect("seal");
    assert!(SsoSession::open(&keys, &site_raw, T0 + 1).is_err());
    assert!(matches!(
        SsoSession::open(&keys, &raw, T0 + DAY),
        Err(AuthError::Expired)
    ));
    let header = sso.set_cookie(&keys, T0).expect("cookie");
    assert!(header.starts_with("__Host-sitegate-sso=") && header.contains("HttpOnly"));
}

#[test]
fn site_session_from_sso_ends_with_it() {
    let (_d, keys) = ring();
    let sso = SsoSession::issue(&keys, claims(), "acme", 600, T0).expect("sso");
    let s = sso
        .site_session(&keys, SITE_A, times(), T0 + 100)
        .expect("site");
    assert_eq!(s.expires_at, T0 + 600);
    assert!(s.idle_expires_at <= s.expires_at);
    assert_eq!(s.site, SITE_A);
}

#[test]
fn sec_09_flow_cookie_opens_only_with_its_state() {
    let (_d, keys) = ring();
    let flow = FlowState::start(&keys, "okta", SITE_A, "/x", 600, T0).expect("flow");
    let raw = flow.seal(&keys).expect("seal");
    assert_eq!(
        FlowState::open(&keys, &raw, &flow.state, T0 + 1).expect("open"),
        flow
    );
    let other = FlowState::start(&keys, "okta", SITE_A, "/x", 600, T0).expect("flow");
    assert_ne!(other.state, flow.state);
    assert_ne!(other.nonce, flow.nonce);
    assert!(FlowState::open(&keys, &raw, &other.state, T0 + 1).is_err());
    assert!(FlowState::open(&keys, &raw, "", T0 + 1).is_err());
    assert!(matches!(
        FlowState::open(&keys, &raw, &flow.state, T0 + 600),
        Err(AuthError::Expired)
    ));
    assert!(!format!("{flow:?}").contains(&flow.state));
    assert!(!format!("{flow:?}").contains(&flow.pkce_verifier));
    let header = flow.set_cookie(&keys, T0).expect("cookie");
    assert!(header.starts_with(&format!("{}=", flow.cookie_name())));
    assert!(header.contains("Max-Age=600"));
}

#[test]
fn pkce_verifier_meets_rfc_7636() {
    // RFC 7636 §4.1: 43 to 128 unreserved characters, from 32 random bytes. The S256
    // challenge itself is computed by the OIDC client (`signin::oidc`).
    let (_d, keys) = ring();
    let flow = FlowState::start(&keys, "okta", SITE_A, "/", 600, T0).expect("flow");
    assert_eq!(flow.pkce_verifier.len(), 43);
    assert!(flow
        .pkce_verifier
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)));
    assert_eq!(unb64(&flow.pkce_verifier).map(|b| b.len()), Some(32));
}

#[test]
fn flow_cookie_name_uses_only_safe_characters() {
    assert_eq!(
        flow_cookie_name("abcDEF123-_xyzuvwMORE"),
        "__Host-sitegate-flow-abcDEF123-_xyzuv"
    );
    assert_eq!(flow_cookie_name("ab;c=d"), "__Host-sitegate-flow-ab");
}

#[test]
fn touch_slides_idle_timeout_within_lifetime() {
    let (_d, keys) = ring();
    let mut s = session(&keys, SITE_A);
    assert!(!s.touch(times(), T0 + 100), "fresh enough");
    assert!(s.touch(times(), T0 + 2000));
    assert_eq!(s.idle_expires_at, T0 + 2000 + 3600);
    s.idle_expires_at = s.expires_at - 10;
    assert!(s.touch(times(), s.expires_at - 20));
    assert_eq!(s.idle_expires_at, s.expires_at, "never past the lifetime");
    assert!(
        !s.touch(times(), s.expires_at - 5),
        "nothing left to extend"
    );
}

#[test]
fn the_sealed_json_keeps_the_shape_of_older_cookies() {
    // The payload of a site session sealed before sessions held `policy::UserPrincipal`.
    let older = r#"{"site":"acme/crm","claims":{"idp":"okta","issuer":"https://idp.example.com","subject":"u-123","email":"ana@acme.com","email_verified":true,"name":"Ana Núñez","idp_groups":["eng"]},"session_id":"sid","issued_at":1,"expires_at":2,"idle_expires_at":2}"#;
    let session: SiteSession = serde_json::from_str(older).expect("older payload opens");
    assert_eq!(session.claims, claims());
    assert_eq!(serde_json::to_string(&session).expect("serialize"), older);
}
