//! Unit tests for what the relying party checks beyond the `openidconnect` verifier: token
//! times, `azp`, `sub`, RSA key sizes, and the `end_session_endpoint` logout may follow.

use super::*;
use serde_json::json;

const NOW: u64 = 1_700_000_000;

fn raw(claims: Value) -> HashMap<String, Value> {
    serde_json::from_value(claims).unwrap()
}

fn token(extra: Value) -> HashMap<String, Value> {
    let mut claims = json!({ "sub": "u1", "aud": "me", "iat": NOW });
    for (k, v) in extra.as_object().unwrap() {
        claims[k] = v.clone();
    }
    raw(claims)
}

#[test]
fn iat_and_nbf_may_be_in_the_future_only_by_the_clock_skew() {
    let skew = CLOCK_SKEW.as_secs();
    assert_eq!(check_claims(&token(json!({})), "me", NOW), Ok(()));
    for key in ["iat", "nbf"] {
        let at_skew = token(json!({ key: NOW + skew }));
        assert_eq!(check_claims(&at_skew, "me", NOW), Ok(()), "{key}");
        let beyond = token(json!({ key: NOW + skew + 1 }));
        assert!(check_claims(&beyond, "me", NOW).is_err(), "{key}");
    }
    assert!(check_claims(&token(json!({ "nbf": "soon" })), "me", NOW).is_err());
    let mut no_iat = token(json!({}));
    no_iat.remove("iat");
    assert!(check_claims(&no_iat, "me", NOW).is_err());
}

#[test]
fn azp_must_be_our_client_and_is_required_with_several_audiences() {
    assert_eq!(
        check_claims(&token(json!({ "azp": "me" })), "me", NOW),
        Ok(())
    );
    assert!(check_claims(&token(json!({ "azp": "other" })), "me", NOW).is_err());
    assert!(check_claims(&token(json!({ "azp": 1 })), "me", NOW).is_err());
    let several = json!({ "aud": ["me", "other"] });
    assert!(check_claims(&token(several), "me", NOW).is_err());
    let several_with_azp = json!({ "aud": ["me", "other"], "azp": "me" });
    assert_eq!(check_claims(&token(several_with_azp), "me", NOW), Ok(()));
}

#[test]
fn sub_must_be_a_non_empty_string() {
    assert!(check_claims(&token(json!({ "sub": "" })), "me", NOW).is_err());
    assert!(check_claims(&token(json!({ "sub": 7 })), "me", NOW).is_err());
}

fn rsa_key(kid: &str, modulus_bytes: usize, top: u8) -> Value {
    let mut n = vec![0xffu8; modulus_bytes];
    n[0] = top;
    let n = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, n);
    json!({ "kty": "RSA", "kid": kid, "n": n, "e": "AQAB", "alg": "RS256", "use": "sig" })
}

#[test]
fn rsa_keys_under_2048_bits_are_left_out_of_the_jwks() {
    let ec = json!({ "kty": "EC", "crv": "P-256", "kid": "ec",
        "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" });
    let jwks: CoreJsonWebKeySet = serde_json::from_value(json!({ "keys": [
        rsa_key("r512", 64, 0xc0),
        rsa_key("r1024", 128, 0xc0),
        rsa_key("r2047", 256, 0x7f),
        rsa_key("r2048", 256, 0x80),
        rsa_key("r4096", 512, 0xc0),
        { "kty": "RSA", "kid": "no-n", "e": "AQAB" },
        ec,
    ]}))
    .unwrap();
    let (kept, weak) = strong_keys(&jwks);
    assert_eq!(weak, ["r512", "r1024", "r2047", "no-n"]);
    let kept: Vec<String> = kept
        .keys()
        .iter()
        .map(|k| {
            serde_json::to_value(k).unwrap()["kid"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(kept, ["r2048", "r4096", "ec"]);
}

#[test]
fn logout_follows_only_https_or_loopback_http_end_session_endpoints() {
    assert_eq!(EndSession::judge(None), EndSession::NotOffered);
    for ok in [
        "https://idp.example/logout",
        "https://idp.example/logout?client_id=x",
        "http://127.0.0.1:8080/logout",
        "http://localhost/logout",
        "http://[::1]/logout",
    ] {
        assert_eq!(
            EndSession::judge(Some(ok)),
            EndSession::Redirect(ok.to_string()),
            "{ok}"
        );
    }
    for bad in [
        "javascript:alert(1)",
        "data:text/html,x",
        "http://idp.example/logout",
        "http://10.0.0.1/logout",
        "https://idp.example/logout\r\nSet-Cookie: a=b",
        "https://idp.example/log\tout",
        "https://idp.example/\u{7f}",
        " https://idp.example/logout",
        "/logout",
        "",
    ] {
        assert!(
            matches!(EndSession::judge(Some(bad)), EndSession::Refused(_)),
            "{bad:?}"
        );
    }
}
