//! docs/security.md lines 10, 11, 13 and 33 against a hostile OpenID provider: forged ID
//! tokens (bad signatures, weak RSA keys, wrong parties, times in the future, an empty `sub`)
//! are refused, the IdP client follows no redirects, unverified email grants nothing, and
//! logout follows only a safe `end_session_endpoint`; and the development IdP sends browsers
//! only to its registered redirect URI. Also: logout sends the browser to the IdP's
//! `end_session_endpoint` without fetching discovery again.

use e2e::fake_idp::{FakeIdp, CLIENT_ID, CLIENT_SECRET};
use e2e::{Browser, Gateway, GatewayBuilder, Upstream};
use serde_json::Value;

use crate::support::host;

async fn setup() -> (Gateway, FakeIdp, Upstream) {
    let idp = FakeIdp::start().await;
    let upstream = Upstream::start().await;
    let rbac = format!(
        "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"op\"\nemail_domains = [\"acme.test\"]\n\n\
[sites.app]\naccess = \"workspace_all\"\nbackend = {{ upstream = \"{}\" }}\n",
        upstream.url()
    );
    let builder = GatewayBuilder::new()
        .rbac("acme", &rbac)
        .extra(&idp.config("op", "op-secret.txt"));
    std::fs::write(builder.dir().join("op-secret.txt"), CLIENT_SECRET).unwrap();
    (builder.start(), idp, upstream)
}

fn query_param(url: &str, name: &str) -> String {
    let url = reqwest::Url::parse(url).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Starts a sign-in on `app`; returns (state, nonce) as sent to the IdP.
async fn start(browser: &Browser) -> (String, String) {
    let (_, to_signin) = browser.get(&browser.url(&host("app"), "/")).await;
    let (status, to_idp) = browser.get(&to_signin.expect("to sign-in host")).await;
    assert_eq!(status, 302);
    let to_idp = to_idp.expect("to the IdP");
    (query_param(&to_idp, "state"), query_param(&to_idp, "nonce"))
}

/// Completes the sign-in with whatever token the IdP serves, following the hand-off to the
/// site when there is one; returns the sign-in host's status.
async fn finish(browser: &Browser, state: &str) -> u16 {
    let url = format!(
        "https://auth.test.localhost:{}/callback?code=anything&state={state}",
        browser.port
    );
    let (status, location) = browser.get(&url).await;
    if let Some(site_callback) = location.filter(|_| status == 302) {
        assert_eq!(
            browser.get(&site_callback).await.0,
            302,
            "the site accepts the hand-off"
        );
    }
    status
}

async fn attempt(
    gw: &Gateway,
    idp: &FakeIdp,
    forge: impl Fn(&FakeIdp, &str) -> String,
) -> (u16, Browser) {
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let (state, nonce) = start(&browser).await;
    idp.serve_token(forge(idp, &nonce));
    (finish(&browser, &state).await, browser)
}

#[tokio::test]
async fn sec_10_only_properly_signed_and_addressed_id_tokens_are_accepted() {
    let (gw, idp, _up) = setup().await;
    let now = |c: &mut Value, k: &str, delta: i64| {
        let v = c[k].as_i64().unwrap() + delta;
        c[k] = Value::from(v);
    };
    // The control: a correct token signs in, so every refusal below is the token's fault.
    let (status, browser) = attempt(&gw, &idp, |idp, nonce| {
        idp.sign(&idp.claims("dora@acme.test", nonce))
    })
    .await;
    assert_eq!(status, 302, "a valid token must sign in");
    assert_eq!(browser.get(&browser.url(&host("app"), "/")).await.0, 200);

    let forgeries: Vec<(&str, Forge)> = vec![
        (
            "alg none",
            Box::new(|idp, nonce| FakeIdp::unsigned(&idp.claims("dora@acme.test", nonce))),
        ),
        (
            "HS256 keyed with the public JWK",
            Box::new(|idp, nonce| {
                FakeIdp::sign_hs256(
                    &idp.claims("dora@acme.test", nonce),
                    idp.public_jwk().to_string().as_bytes(),
                )
            }),
        ),
        (
            "HS256 keyed with the client secret",
            Box::new(|idp, nonce| {
                FakeIdp::sign_hs256(
                    &idp.claims("dora@acme.test", nonce),
                    CLIENT_SECRET.as_bytes(),
                )
            }),
        ),
        (
            "unpublished key",
            Box::new(|idp, nonce| {
                idp.sign_with_unpublished_key(&idp.claims("dora@acme.test", nonce))
            }),
        ),
        (
            "wrong nonce",
            Box::new(|idp, _| idp.sign(&idp.claims("dora@acme.test", "not-the-nonce"))),
        ),
        (
            "wrong audience",
            Box::new(|idp, nonce| {
                let mut c = idp.claims("dora@acme.test", nonce);
                c["aud"] = "someone-else".into();
                idp.sign(&c)
            }),
        ),
        (
            "wrong issuer",
            Box::new(|idp, nonce| {
                let mut c = idp.claims("dora@acme.test", nonce);
                c["iss"] = "https://evil.example".into();
                idp.sign(&c)
            }),
        ),
        (
            "expired",
            Box::new(move |idp, nonce| {
                let mut c = idp.claims("dora@acme.test", nonce);
                now(&mut c, "exp", -3600);
                now(&mut c, "iat", -7200);
                idp.sign(&c)
            }),
        ),
        (
            "tampered payload",
            Box::new(|idp, nonce| {
                let good = idp.sign(&idp.claims("dora@acme.test", nonce));
                let evil = idp.sign(&idp.claims("owner@acme.test", nonce));
                let parts: Vec<&str> = good.split('.').collect();
                let evil_payload = evil.split('.').nth(1).unwrap().to_string();
                format!("{}.{}.{}", parts[0], evil_payload, parts[2])
            }),
        ),
        ("no id_token at all", Box::new(|_, _| String::new())),
    ];
    for (name, forge) in forgeries {
        let (status, browser) = attempt(&gw, &idp, forge).await;
        assert_eq!(
            status, 502,
            "{name}: the sign-in host must refuse the token"
        );
        let (site, _) = browser.get(&browser.url(&host("app"), "/")).await;
        assert_eq!(site, 302, "{name}: no session may result");
    }
}

#[tokio::test]
async fn sec_11_the_idp_client_does_not_follow_redirects() {
    let (gw, idp, _up) = setup().await;
    let elsewhere = FakeIdp::start().await;
    idp.redirect_discovery_to(&format!(
        "{}/.well-known/openid-configuration",
        elsewhere.issuer()
    ));
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let (_, to_signin) = browser.get(&browser.url(&host("app"), "/")).await;
    let (status, _) = browser.get(&to_signin.unwrap()).await;
    assert_eq!(
        status, 502,
        "discovery answered with a redirect: sign-in must fail"
    );
    assert!(idp.discovery_hits() >= 1);
    assert_eq!(
        elsewhere.discovery_hits(),
        0,
        "the redirect target must never be contacted"
    );
}

#[tokio::test]
async fn logout_goes_to_the_end_session_endpoint_of_the_discovery_sign_in_fetched() {
    let (gw, idp, _up) = setup().await;
    let (status, browser) = attempt(&gw, &idp, |idp, nonce| {
        idp.sign(&idp.claims("dora@acme.test", nonce))
    })
    .await;
    assert_eq!(status, 302, "a valid token must sign in");
    let hits = idp.discovery_hits();
    let logout = format!("https://auth.test.localhost:{}/logout", browser.port);
    let (status, location) = browser.get(&logout).await;
    assert_eq!(status, 302);
    assert_eq!(location, Some(format!("{}/logout", idp.issuer())));
    assert_eq!(
        idp.discovery_hits(),
        hits,
        "logout must reuse the cached discovery document"
    );
}

#[tokio::test]
async fn sec_13_an_unverified_email_grants_no_membership() {
    let (gw, idp, _up) = setup().await;
    let (status, browser) = attempt(&gw, &idp, |idp, nonce| {
        let mut c = idp.claims("dora@acme.test", nonce);
        c["email_verified"] = false.into();
        idp.sign(&c)
    })
    .await;
    assert_eq!(status, 302, "the sign-in itself succeeds");
    assert_eq!(
        browser.get(&browser.url(&host("app"), "/")).await.0,
        403,
        "but an unverified email is not a member"
    );

    let (_, browser) = attempt(&gw, &idp, |idp, nonce| {
        idp.sign(&idp.claims("DORA@Acme.Test", nonce))
    })
    .await;
    assert_eq!(
        browser.get(&browser.url(&host("app"), "/")).await.0,
        200,
        "verified, compared case-insensitively"
    );

    let (_, browser) = attempt(&gw, &idp, |idp, nonce| {
        idp.sign(&idp.claims("dora@acme.test@evil.example", nonce))
    })
    .await;
    assert_eq!(
        browser.get(&browser.url(&host("app"), "/")).await.0,
        403,
        "a malformed address matches no domain"
    );
}

#[tokio::test]
async fn a_site_with_external_idps_offers_a_choice_and_admits_their_users_by_allow_list() {
    let idp = FakeIdp::start().await;
    let upstream = Upstream::start().await;
    let rbac = format!(
        "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\n\n[members]\n\"owner@acme.test\" = \"owner\"\n\n\
[sites.portal]\naccess = \"custom\"\nallow = {{ users = [\"cust@customer.test\"], roles = [\"owner\"] }}\nexternal_idps = [\"op\"]\n\
backend = {{ upstream = \"{}\" }}\n",
        upstream.url()
    );
    let builder = GatewayBuilder::new()
        .rbac("acme", &rbac)
        .extra("[dev_idp]\nenabled = true")
        .extra(&idp.config("op", "op-secret.txt"));
    std::fs::write(builder.dir().join("op-secret.txt"), CLIENT_SECRET).unwrap();
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let (_, to_signin) = browser.get(&browser.url(&host("portal"), "/")).await;
    let chooser = browser.http.get(to_signin.unwrap()).send().await.unwrap();
    assert_eq!(chooser.status(), 200, "two providers: the visitor chooses");
    let page = chooser.text().await.unwrap();
    assert!(
        page.contains("Continue with Development sign-in") && page.contains("Continue with op"),
        "{page}"
    );
    assert!(
        page.contains(&host("portal")),
        "the page says where the visitor is going"
    );

    let href = page
        .split("href=\"")
        .filter_map(|p| p.split('"').next())
        .find(|h| h.contains("idp=op"))
        .unwrap()
        .replace("&amp;", "&");
    let (status, to_idp) = browser
        .get(&format!(
            "https://auth.test.localhost:{}{href}",
            gw.https_port()
        ))
        .await;
    assert_eq!(status, 302);
    let to_idp = to_idp.unwrap();
    assert!(to_idp.starts_with(&idp.issuer()), "{to_idp}");
    idp.serve_token(idp.sign(&idp.claims("cust@customer.test", &query_param(&to_idp, "nonce"))));
    assert_eq!(finish(&browser, &query_param(&to_idp, "state")).await, 302);
    assert_eq!(
        browser.get(&browser.url(&host("portal"), "/")).await.0,
        200,
        "an external IdP's user on the allow list"
    );
}

/// `url` with its query parameter `name` set to `value`, or removed for `None`.
fn with_param(url: &str, name: &str, value: Option<&str>) -> String {
    let mut url = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut query = url.query_pairs_mut();
    query.clear().extend_pairs(pairs);
    if let Some(value) = value {
        query.append_pair(name, value);
    }
    drop(query);
    url.to_string()
}

#[tokio::test]
async fn sec_32_the_dev_idp_redirects_only_to_registered_redirect_uris() {
    let upstream = Upstream::start().await;
    let gw = crate::support::acme(&upstream).start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    // The gateway's own sign-in goes through, so its callback is the registered URI.
    let hops = browser.sign_in(&host("team"), "/", "owner@acme.test").await;
    let registered = query_param(&hops.authorize, "redirect_uri");
    assert_eq!(
        registered,
        format!("https://auth.test.localhost:{}/callback", gw.https_port())
    );
    let endpoint = hops.authorize.split('?').next().unwrap().to_string();
    for redirect in [
        Some("https://evil.com/cb"),
        Some(&format!("{registered}/../evil")),
        Some(&format!("{registered}?next=https://evil.com/")),
        Some(&registered.replace("https://", "http://")),
        Some(&format!(
            "https://{}.evil.com/callback",
            "auth.test.localhost"
        )),
        Some(""),
        None,
    ] {
        let authorize = with_param(&hops.authorize, "redirect_uri", redirect);
        let (status, location) = browser.get(&authorize).await;
        assert_eq!((status, location), (400, None), "GET {redirect:?}");
        let form = format!(
            "{}&email=owner%40acme.test",
            authorize.split_once('?').unwrap().1
        );
        let resp = browser
            .http
            .post(&endpoint)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "POST {redirect:?}");
        assert!(
            resp.headers().get("location").is_none(),
            "POST {redirect:?}"
        );
        let page = resp.text().await.unwrap();
        assert!(!page.contains("code="), "no code is handed out: {page}");
    }
    let other_client = with_param(&hops.authorize, "client_id", Some("evil"));
    assert_eq!(browser.get(&other_client).await, (400, None));
}

/// `now` plus `delta` seconds.
fn now_plus(delta: i64) -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    now + delta
}

/// Runs each case on a fresh browser: the status the sign-in host answers (302 signs in,
/// 502 refuses) and the site's answer after it (200 with a session, 302 without). Every case
/// runs; the failure lists all that went wrong.
async fn expect_each(gw: &Gateway, idp: &FakeIdp, cases: Vec<(&str, u16, Forge)>) {
    let mut wrong = Vec::new();
    for (name, expected, forge) in cases {
        let (status, browser) = attempt(gw, idp, forge).await;
        let site = browser.get(&browser.url(&host("app"), "/")).await.0;
        let wanted = if expected == 302 { 200 } else { 302 };
        if (status, site) != (expected, wanted) {
            wrong.push(format!(
                "{name}: sign-in host {status} (want {expected}), then the site {site} (want {wanted})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

type Forge = Box<dyn Fn(&FakeIdp, &str) -> String>;

/// The claims for dora with `changes` applied.
fn claims_with(idp: &FakeIdp, nonce: &str, changes: &[(&str, Value)]) -> Value {
    let mut c = idp.claims("dora@acme.test", nonce);
    for (key, value) in changes {
        c[*key] = value.clone();
    }
    c
}

#[tokio::test]
async fn sec_10_id_tokens_issued_or_valid_only_in_the_future_are_refused() {
    let (gw, idp, _up) = setup().await;
    let cases: Vec<(&str, u16, Forge)> = vec![
        (
            "iat 30 s ahead: within the clock skew",
            302,
            Box::new(|idp, nonce| {
                idp.sign(&claims_with(idp, nonce, &[("iat", now_plus(30).into())]))
            }),
        ),
        (
            "nbf 30 s ahead: within the clock skew",
            302,
            Box::new(|idp, nonce| {
                idp.sign(&claims_with(idp, nonce, &[("nbf", now_plus(30).into())]))
            }),
        ),
        (
            "iat an hour ahead",
            502,
            Box::new(|idp, nonce| {
                idp.sign(&claims_with(idp, nonce, &[("iat", now_plus(3600).into())]))
            }),
        ),
        (
            "iat a year ahead",
            502,
            Box::new(|idp, nonce| {
                idp.sign(&claims_with(
                    idp,
                    nonce,
                    &[("iat", now_plus(365 * 86400).into())],
                ))
            }),
        ),
        (
            "nbf an hour ahead",
            502,
            Box::new(|idp, nonce| {
                idp.sign(&claims_with(idp, nonce, &[("nbf", now_plus(3600).into())]))
            }),
        ),
        (
            "nbf not a number",
            502,
            Box::new(|idp, nonce| idp.sign(&claims_with(idp, nonce, &[("nbf", "soon".into())]))),
        ),
    ];
    expect_each(&gw, &idp, cases).await;
}

#[tokio::test]
async fn sec_10_an_id_token_whose_azp_names_another_client_is_refused() {
    let (gw, idp, _up) = setup().await;
    let cases: Vec<(&str, u16, Forge)> = vec![
        (
            "azp is our client",
            302,
            Box::new(|idp, nonce| idp.sign(&claims_with(idp, nonce, &[("azp", CLIENT_ID.into())]))),
        ),
        (
            "azp names another client",
            502,
            Box::new(|idp, nonce| {
                idp.sign(&claims_with(idp, nonce, &[("azp", "other-client".into())]))
            }),
        ),
        (
            "aud lists us and another client, azp the other one",
            502,
            Box::new(|idp, nonce| {
                idp.sign(&claims_with(
                    idp,
                    nonce,
                    &[
                        ("aud", serde_json::json!([CLIENT_ID, "other-client"])),
                        ("azp", "other-client".into()),
                    ],
                ))
            }),
        ),
    ];
    expect_each(&gw, &idp, cases).await;
}

#[tokio::test]
async fn sec_10_an_id_token_with_an_empty_sub_is_refused() {
    let (gw, idp, _up) = setup().await;
    let cases: Vec<(&str, u16, Forge)> = vec![(
        "empty sub",
        502,
        Box::new(|idp, nonce| idp.sign(&claims_with(idp, nonce, &[("sub", "".into())]))),
    )];
    expect_each(&gw, &idp, cases).await;
}

#[tokio::test]
async fn sec_10_id_tokens_signed_with_rsa_keys_under_2048_bits_are_refused() {
    let (gw, idp, _up) = setup().await;
    let cases: Vec<(&str, u16, Forge)> = vec![
        (
            "RS256, 2048 bits",
            302,
            Box::new(|idp, nonce| idp.sign_rs256(2048, &idp.claims("dora@acme.test", nonce))),
        ),
        (
            "RS256, 1024 bits",
            502,
            Box::new(|idp, nonce| idp.sign_rs256(1024, &idp.claims("dora@acme.test", nonce))),
        ),
        (
            "RS256, 512 bits",
            502,
            Box::new(|idp, nonce| idp.sign_rs256(512, &idp.claims("dora@acme.test", nonce))),
        ),
    ];
    expect_each(&gw, &idp, cases).await;
}

#[tokio::test]
async fn sec_33_logout_sends_browsers_only_to_a_safe_end_session_endpoint_and_always_signs_out() {
    let (gw, idp, _up) = setup().await;
    let logout = format!("https://auth.test.localhost:{}/logout", gw.https_port());
    let mut wrong = Vec::new();
    for (advertised, redirect) in [
        ("https://idp.example/logout?x=1", true),
        ("javascript:alert(document.cookie)", false),
        ("http://idp.example/logout", false),
        ("https://idp.example/logout\r\nSet-Cookie: evil=1", false),
        ("https://idp.example/log\tout", false),
        ("data:text/html,<script>alert(1)</script>", false),
    ] {
        // Discovery is cached: a token under an unknown key makes the gateway fetch it again.
        idp.advertise_end_session(Some(advertised));
        let hits = idp.discovery_hits();
        let (status, _) = attempt(&gw, &idp, |idp, nonce| {
            idp.sign_with_unpublished_key(&idp.claims("dora@acme.test", nonce))
        })
        .await;
        assert_eq!(status, 502);
        assert!(
            idp.discovery_hits() > hits,
            "{advertised:?}: discovery fetched again"
        );

        let browser = Browser::new(&gw.ca_pem(), gw.https_port());
        let (_, to_signin) = browser.get(&browser.url(&host("app"), "/")).await;
        let to_signin = to_signin.expect("to the sign-in host");
        let (_, to_idp) = browser.get(&to_signin).await;
        let to_idp = to_idp.expect("to the IdP");
        idp.serve_token(idp.sign(&idp.claims("dora@acme.test", &query_param(&to_idp, "nonce"))));
        assert_eq!(finish(&browser, &query_param(&to_idp, "state")).await, 302);
        let (status, to_site) = browser.get(&to_signin).await;
        assert!(
            status == 302
                && to_site
                    .as_deref()
                    .is_some_and(|l| l.contains("/.sitegate/callback")),
            "{advertised:?}: signed in at the sign-in host before logout"
        );

        let resp = browser.http.get(&logout).send().await.unwrap();
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap_or("(not text)").to_string());
        let page = resp.text().await.unwrap();
        if redirect && (status, location.as_deref()) != (302, Some(advertised)) {
            wrong.push(format!(
                "{advertised:?}: logout answered {status} to {location:?}"
            ));
        }
        if !redirect && (status, &location) != (200, &None) {
            wrong.push(format!(
                "{advertised:?}: logout answered {status} to {location:?}, not the page"
            ));
        }
        if !redirect && !page.contains("may still be signed in") {
            wrong.push(format!(
                "{advertised:?}: the page does not say the IdP session may remain: {page}"
            ));
        }
        let (status, again) = browser.get(&to_signin).await;
        if status != 302
            || !again
                .as_deref()
                .is_some_and(|l| l.starts_with(&idp.issuer()))
        {
            wrong.push(format!(
                "{advertised:?}: the sign-in session outlived logout (sign-in answered {status} to {again:?})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn sec_36_an_idp_answer_past_the_size_cap_is_refused_as_it_streams_in() {
    // A token answer of 2 MiB is refused (502), and the gateway signs the next person in.
    let (gw, idp, _up) = setup().await;
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let (state, nonce) = start(&browser).await;
    idp.serve_token(idp.sign(&idp.claims("dora@acme.test", &nonce)));
    idp.pad_answers(2 << 20);
    assert_eq!(finish(&browser, &state).await, 502, "{}", gw.log());
    assert!(gw.log().contains("larger than"), "{}", gw.log());
    // 100 KiB of padding is within the cap.
    idp.pad_answers(100 << 10);
    let (status, _) = attempt(&gw, &idp, |idp, nonce| {
        idp.sign(&idp.claims("dora@acme.test", nonce))
    })
    .await;
    assert_eq!(status, 302, "{}", gw.log());

    // Discovery and keys are fetched by a gateway that has not cached them yet.
    let (gw, idp, _up) = setup().await;
    idp.pad_answers(2 << 20);
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let (_, to_signin) = browser.get(&browser.url(&host("app"), "/")).await;
    let (status, _) = browser.get(&to_signin.expect("to sign-in host")).await;
    assert_eq!(status, 502, "discovery past the cap: {}", gw.log());
}
