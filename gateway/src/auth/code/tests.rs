use super::*;
use crate::auth::testutil::{ring, T0};

/// The code lifetime the gateway configures (30 s).
const CODE_TTL: Duration = Duration::from_secs(30);

const SITE_A: &str = "acme/crm";
const SITE_B: &str = "acme/wiki";

fn store(keys: &KeyRing) -> CodeStore<String> {
    CodeStore::new(keys, CODE_TTL, 16)
}

#[test]
fn code_redeems_once_for_its_site() {
    let (_d, keys) = ring();
    let codes = store(&keys);
    let code = codes.mint(SITE_A, "ana".into(), T0).expect("mint");
    assert_eq!(code.len(), CODE_LEN);
    assert!(code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(codes.redeem(&code, SITE_A, T0 + 1).expect("redeem"), "ana");
    assert!(codes.pending.is_empty());
}

#[test]
fn sec_12_code_is_single_use() {
    let (_d, keys) = ring();
    let codes = store(&keys);
    let code = codes.mint(SITE_A, "ana".into(), T0).expect("mint");
    assert!(codes.redeem(&code, SITE_A, T0).is_ok());
    assert!(matches!(
        codes.redeem(&code, SITE_A, T0),
        Err(AuthError::InvalidCode)
    ));
}

#[test]
fn sec_12_code_expires_in_seconds() {
    let (_d, keys) = ring();
    let codes = store(&keys);
    let code = codes.mint(SITE_A, "ana".into(), T0).expect("mint");
    assert!(matches!(
        codes.redeem(&code, SITE_A, T0 + 30),
        Err(AuthError::InvalidCode)
    ));
    let code = codes.mint(SITE_A, "ana".into(), T0).expect("mint");
    assert!(codes.redeem(&code, SITE_A, T0 + 29).is_ok());

    let short = CodeStore::new(&keys, Duration::from_secs(5), 16);
    let code = short.mint(SITE_A, 1u8, T0).expect("mint");
    assert!(short.redeem(&code, SITE_A, T0 + 5).is_err());
}

#[test]
fn sec_12_code_valid_only_for_its_site_and_burned_by_a_wrong_one() {
    let (_d, keys) = ring();
    let codes = store(&keys);
    let code = codes.mint(SITE_A, "ana".into(), T0).expect("mint");
    assert!(matches!(
        codes.redeem(&code, SITE_B, T0),
        Err(AuthError::InvalidCode)
    ));
    assert!(
        codes.redeem(&code, SITE_A, T0).is_err(),
        "a code shown to the wrong site is gone"
    );
}

#[test]
fn unknown_or_malformed_codes_fail() {
    let (_d, keys) = ring();
    let codes = store(&keys);
    let code = codes.mint(SITE_A, "ana".into(), T0).expect("mint");
    let mut other = code.clone();
    other.replace_range(0..1, if code.starts_with('A') { "B" } else { "A" });
    for bad in [
        "",
        "x",
        other.as_str(),
        &"A".repeat(5000),
        &code[..CODE_LEN - 1],
    ] {
        assert!(codes.redeem(bad, SITE_A, T0).is_err(), "{bad}");
    }
    assert!(
        codes.redeem(&code, SITE_A, T0).is_ok(),
        "a wrong guess burns nothing else"
    );
}

#[test]
fn stores_no_code_in_the_clear_and_codes_differ() {
    let (_d, keys) = ring();
    let codes = store(&keys);
    let a = codes.mint(SITE_A, "x".into(), T0).expect("mint");
    let b = codes.mint(SITE_A, "x".into(), T0).expect("mint");
    assert_ne!(a, b);
    for entry in codes.pending.iter() {
        assert_ne!(
            entry.key().as_slice(),
            a.as_bytes().get(..32).unwrap_or_default()
        );
    }
}

#[test]
fn sweep_and_capacity_bound_memory() {
    let (_d, keys) = ring();
    let codes = CodeStore::new(&keys, CODE_TTL, 3);
    for _ in 0..3 {
        codes.mint(SITE_A, 0u8, T0).expect("mint");
    }
    assert!(matches!(
        codes.mint(SITE_A, 0u8, T0 + 1),
        Err(AuthError::CodeStoreFull)
    ));
    // Once the old ones expire, minting sweeps them.
    assert!(codes.mint(SITE_A, 0u8, T0 + 30).is_ok());
    assert_eq!(codes.pending.len(), 1);
    assert_eq!(codes.sweep(T0 + 60), 1);
}

#[test]
fn sec_09_replay_guard_refuses_second_use() {
    let guard = ReplayGuard::new(4);
    assert!(guard.first_use("state-1", T0 + 600, T0));
    assert!(!guard.first_use("state-1", T0 + 600, T0 + 1), "replayed");
    assert!(guard.first_use("state-2", T0 + 600, T0 + 1));
    assert!(!guard.first_use("state-3", T0, T0), "already expired");
    assert_eq!(guard.sweep(T0 + 600), 2);
    assert!(guard.seen.is_empty());
}

#[test]
fn replay_guard_fails_closed_when_full() {
    let guard = ReplayGuard::new(2);
    assert!(guard.first_use("a", T0 + 10, T0));
    assert!(guard.first_use("b", T0 + 10, T0));
    assert!(!guard.first_use("c", T0 + 10, T0), "full of live values");
    assert!(guard.first_use("c", T0 + 20, T0 + 10), "expired ones swept");
    assert_eq!(guard.seen.len(), 1);
}
