//! Sign-in through the development IdP end to end, and the docs/security.md lines of the
//! "Identity headers and cookies", "Sign-in flow" and "Authorization" sections that need the
//! running gateway. Each test is named after its line.

use e2e::{Browser, GatewayBuilder, Upstream};

use crate::support::host;

fn rbac(upstream: &Upstream) -> String {
    format!(
        r#"[workspace]
id = "acme"
name = "Acme"
idp = "dev"
email_domains = ["acme.test"]

[members]
"owner@acme.test" = "owner"
"admin@acme.test" = "admin"
"mel@elsewhere.test" = "member"

[groups.sales]
members = ["sam@acme.test"]

[sites.app]
access = "workspace_all"
backend = {{ upstream = "{up}" }}

[sites.other]
access = "workspace_all"
backend = {{ upstream = "{up}" }}

[sites.ops]
access = "admins_only"
backend = {{ upstream = "{up}" }}

[sites.deals]
access = "custom"
allow = {{ groups = ["sales"] }}
backend = {{ upstream = "{up}" }}
"#,
        up = upstream.url()
    )
}

async fn start() -> (e2e::Gateway, Browser, Upstream) {
    let upstream = Upstream::start().await;
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac(&upstream))
        .extra("[dev_idp]\nenabled = true")
        .start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    (gw, browser, upstream)
}

/// Checks an identity assertion as a backend would: ES256 signature by a key published at the
/// sign-in host's JWKS, issuer, audience and a lifetime of at most five minutes.
async fn verify_assertion(browser: &Browser, token: &str, site_host: &str) {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: serde_json::Value = serde_json::from_slice(&b64.decode(parts[0]).unwrap()).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(header["alg"], "ES256");
    let jwks_url = format!(
        "https://auth.test.localhost:{}/.well-known/jwks.json",
        browser.port
    );
    let jwks: serde_json::Value = browser
        .http
        .get(jwks_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("kid published");
    let mut point = vec![4u8];
    point.extend(b64.decode(key["x"].as_str().unwrap()).unwrap());
    point.extend(b64.decode(key["y"].as_str().unwrap()).unwrap());
    let public =
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point);
    let signed = format!("{}.{}", parts[0], parts[1]);
    public
        .verify(signed.as_bytes(), &b64.decode(parts[2]).unwrap())
        .expect("signature verifies with the published key");
    assert_eq!(
        claims["iss"],
        format!("https://auth.test.localhost:{}", browser.port)
    );
    assert_eq!(
        claims["aud"],
        format!("https://{site_host}:{}", browser.port)
    );
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert!(
        lifetime <= 300,
        "assertions live at most five minutes: {lifetime}"
    );
}

async fn echo(browser: &Browser, site: &str, path: &str) -> (u16, serde_json::Value) {
    let resp = browser
        .http
        .get(browser.url(&host(site), path))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn sign_in_sends_identity_to_the_backend_and_sso_covers_the_workspace() {
    let (_gw, browser, _up) = start().await;
    let hops = browser
        .sign_in(&host("app"), "/reports?q=1", "owner@acme.test")
        .await;
    assert_eq!(
        hops.landed, "/reports?q=1",
        "back where the visitor started"
    );
    let (status, echo_app) = echo(&browser, "app", "/reports").await;
    assert_eq!(status, 200);
    let headers = &echo_app["headers"];
    assert_eq!(headers["sitegate-user-email"][0], "owner@acme.test");
    assert_eq!(headers["sitegate-user-role"][0], "owner");
    let assertion = headers["sitegate-jwt-assertion"][0].as_str().unwrap();
    verify_assertion(&browser, assertion, &host("app")).await;
    let id_on_app = headers["sitegate-user-id"][0].as_str().unwrap().to_string();

    // SSO: the second site of the workspace signs in without the IdP page.
    assert_eq!(browser.sso(&host("other"), "/").await, "/");
    let (_, echo_other) = echo(&browser, "other", "/").await;
    let id_on_other = echo_other["headers"]["sitegate-user-id"][0]
        .as_str()
        .unwrap();
    assert_ne!(
        id_on_app, id_on_other,
        "user ids are pairwise: different per site"
    );

    let me: serde_json::Value = browser
        .http
        .get(browser.url(&host("app"), "/.sitegate/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "owner@acme.test");
    assert!(
        !me.to_string().contains("eyJ"),
        "/.sitegate/me never returns a token"
    );
}

#[tokio::test]
async fn the_access_matrix_holds_for_signed_in_people() {
    let (_gw, _, up) = start().await;
    let cases = [
        ("owner@acme.test", [200, 200, 403]),
        ("admin@acme.test", [200, 200, 403]),
        ("mel@elsewhere.test", [200, 403, 403]),
        ("dora@acme.test", [200, 403, 403]),
        ("sam@acme.test", [200, 403, 200]),
        ("eve@outsider.test", [403, 403, 403]),
    ];
    let _ = up;
    for (email, [app, ops, deals]) in cases {
        let (gw, browser, _up) = start().await;
        browser.sign_in(&host("app"), "/", email).await;
        let (status, _) = echo(&browser, "app", "/").await;
        assert_eq!(status, app, "{email} on workspace_all");
        for (site, expected) in [("ops", ops), ("deals", deals)] {
            let landed = browser.sso(&host(site), "/").await;
            assert_eq!(landed, "/");
            let (status, _) = echo(&browser, site, "/").await;
            assert_eq!(status, expected, "{email} on {site}");
        }
        drop(gw);
    }
}

#[tokio::test]
async fn sec_03_spoofed_identity_headers_never_reach_the_backend() {
    let (_gw, browser, _up) = start().await;
    browser.sign_in(&host("app"), "/", "dora@acme.test").await;
    let h1 = e2e::Client::builder(&_gw.ca_pem(), _gw.https_port())
        .cookie_provider(browser.jar.clone())
        .http1_only()
        .build()
        .unwrap();
    let resp = h1
        .get(browser.url(&host("app"), "/"))
        .header("Sitegate-User-Email", "owner@acme.test")
        .header("SITEGATE-USER-ROLE", "owner")
        .header("sitegate_user_role", "owner")
        .header("sitegate-user-groups", "admins")
        .header("sitegate-jwt-assertion", "forged")
        .header("oai-authenticated-user-email", "owner@acme.test")
        .header("OAI_Authenticated_User_Id", "someone")
        .send()
        .await
        .unwrap();
    let echo: serde_json::Value = resp.json().await.unwrap();
    let headers = &echo["headers"];
    assert_eq!(
        headers["sitegate-user-email"],
        serde_json::json!(["dora@acme.test"]),
        "{echo}"
    );
    assert_eq!(
        headers["sitegate-user-role"],
        serde_json::json!(["member"]),
        "{echo}"
    );
    assert!(headers.get("sitegate_user_role").is_none(), "{echo}");
    assert!(headers.get("sitegate-user-groups").is_none(), "{echo}");
    assert!(
        headers.get("oai-authenticated-user-email").is_none(),
        "{echo}"
    );
    assert!(headers.get("oai_authenticated_user_id").is_none(), "{echo}");
    assert_ne!(headers["sitegate-jwt-assertion"][0], "forged");
}

#[tokio::test]
async fn sec_04_the_gateways_cookies_never_reach_the_backend() {
    let (_gw, browser, _up) = start().await;
    browser.sign_in(&host("app"), "/", "dora@acme.test").await;
    let jar = browser.cookies_for(&browser.url(&host("app"), "/"));
    assert!(jar.contains("__Host-sitegate="), "{jar}");
    let resp = browser
        .http
        .get(browser.url(&host("app"), "/"))
        .header("cookie", format!("theme=dark; {jar}"))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    let echo: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cookies = echo["headers"]["cookie"].to_string();
    assert!(!cookies.contains("sitegate"), "{cookies}");
    assert!(
        cookies.contains("theme=dark"),
        "the site's own cookies pass: {cookies}"
    );
}

#[tokio::test]
async fn sec_05_backends_cannot_set_the_gateways_cookies_or_toss_cookies_to_siblings() {
    let (_gw, browser, _up) = start().await;
    browser.sign_in(&host("app"), "/", "dora@acme.test").await;
    let query = "c=__Host-sitegate%3Dstolen%3B%20Path%3D%2F%3B%20Secure&c=wide%3D1%3B%20Domain%3Dacme.test.localhost&c=fine%3D1%3B%20Path%3D%2F&c=__Host-SITEGATE%3Dx";
    let resp = browser
        .http
        .get(browser.url(&host("app"), &format!("/set-cookies?{query}")))
        .send()
        .await
        .unwrap();
    crate::support::assert_only_the_sites_own_cookies_were_set(resp.headers());
    assert_eq!(
        echo(&browser, "app", "/").await.0,
        200,
        "the session still works"
    );
}

#[tokio::test]
async fn sec_06_a_cookie_minted_for_one_site_is_refused_by_another() {
    let (gw, browser, _up) = start().await;
    browser.sign_in(&host("app"), "/", "owner@acme.test").await;
    let cookie = browser.cookies_for(&browser.url(&host("app"), "/"));
    let session = cookie
        .split("; ")
        .find(|c| c.starts_with("__Host-sitegate="))
        .expect("site cookie")
        .to_string();
    let stranger = Browser::new(&gw.ca_pem(), gw.https_port());
    let resp = stranger
        .http
        .get(stranger.url(&host("other"), "/"))
        .header("cookie", &session)
        .header("sec-fetch-mode", "navigate")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        302,
        "site B must not accept site A's session"
    );
    let resp = stranger
        .http
        .get(stranger.url(&host("app"), "/"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "the same cookie works on its own site");
}

#[tokio::test]
async fn sec_07_every_sign_in_mints_a_fresh_session() {
    let (_gw, browser, _up) = start().await;
    let url = browser.url(&host("app"), "/");
    browser.jar.add_cookie_str(
        "__Host-sitegate=planted-by-attacker; Path=/; Secure",
        &reqwest::Url::parse(&url).unwrap(),
    );
    browser.sign_in(&host("app"), "/", "dora@acme.test").await;
    let first = browser.cookies_for(&url);
    assert!(!first.contains("planted-by-attacker"), "{first}");
    browser.sign_in_again(&host("app")).await;
    let second = browser.cookies_for(&url);
    assert_ne!(first, second, "a new sign-in replaces the session");
}

#[tokio::test]
async fn sec_08_tampered_truncated_and_garbage_cookies_are_refused() {
    let (gw, browser, _up) = start().await;
    browser.sign_in(&host("app"), "/", "owner@acme.test").await;
    let cookie = browser.cookies_for(&browser.url(&host("app"), "/"));
    let value = cookie
        .split("; ")
        .find_map(|c| c.strip_prefix("__Host-sitegate="))
        .expect("site cookie")
        .to_string();
    let mut flipped = value.clone().into_bytes();
    let mid = flipped.len() / 2;
    flipped[mid] = if flipped[mid] == b'A' { b'B' } else { b'A' };
    let stranger = Browser::new(&gw.ca_pem(), gw.https_port());
    for bad in [
        String::from_utf8(flipped).unwrap(),
        value[..value.len() - 4].to_string(),
        "AAAA".to_string(),
        format!("{value}x"),
    ] {
        let resp = stranger
            .http
            .get(stranger.url(&host("app"), "/"))
            .header("cookie", format!("__Host-sitegate={bad}"))
            .header("sec-fetch-mode", "navigate")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 302, "cookie {bad:.20}… must not be accepted");
    }
}

#[tokio::test]
async fn sec_09_state_is_single_use_and_bound_to_the_browser_that_started() {
    let (gw, browser, _up) = start().await;
    let hops = browser.sign_in(&host("app"), "/", "dora@acme.test").await;
    // Replaying the IdP's answer (code + state) fails: the state was used.
    let (status, _) = browser.get(&hops.idp_callback).await;
    assert_eq!(status, 400);
    // Another browser (without the flow cookie) cannot complete a flow it did not start.
    let other = Browser::new(&gw.ca_pem(), gw.https_port());
    let (status, _) = other.get(&hops.idp_callback).await;
    assert_eq!(status, 400);
    // A state that was never issued fails too.
    let forged = hops.idp_callback.replace("state=", "state=x");
    let (status, _) = browser.get(&forged).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn sec_12_the_site_code_is_single_use_and_bound_to_its_site() {
    let (gw, browser, _up) = start().await;
    let hops = browser.sign_in(&host("app"), "/", "dora@acme.test").await;
    let stranger = Browser::new(&gw.ca_pem(), gw.https_port());
    let (status, _) = stranger.get(&hops.site_callback).await;
    assert_eq!(status, 400, "a used code cannot be redeemed again");

    // A fresh code for `app` presented to `other`: refused (and burnt).
    let second = Browser::new(&gw.ca_pem(), gw.https_port());
    let (_, location) = second.get(&second.url(&host("app"), "/")).await;
    let signin = location.unwrap();
    let fresh = browser.get(&signin).await.1.unwrap();
    assert!(
        fresh.contains("/.sitegate/callback?code="),
        "SSO hands out a code: {fresh}"
    );
    let moved = fresh.replace(&host("app"), &host("other"));
    let (status, _) = second.get(&moved).await;
    assert_eq!(status, 400, "a code for one site is refused by another");
    let (status, _) = second.get(&fresh).await;
    assert_eq!(status, 400, "and it is gone for its own site too");
}

#[tokio::test]
async fn sec_18_a_member_removed_from_the_file_loses_access_at_the_next_reload() {
    let (gw, browser, up) = start().await;
    browser.sign_in(&host("ops"), "/", "admin@acme.test").await;
    assert_eq!(echo(&browser, "ops", "/").await.0, 200);
    let file = gw.dir().join("rbac/acme.toml");
    std::fs::write(
        &file,
        rbac(&up).replace("\"admin@acme.test\" = \"admin\"\n", ""),
    )
    .unwrap();
    gw.signal(libc::SIGHUP);
    let start = std::time::Instant::now();
    loop {
        let (status, _) = echo(&browser, "ops", "/").await;
        if status == 403 {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(15),
            "still allowed after reload: {status}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn sec_02_the_sign_in_host_only_sends_codes_to_configured_sites() {
    let (gw, browser, _up) = start().await;
    browser.sign_in(&host("app"), "/", "dora@acme.test").await;
    for site in ["acme%2Fnope", "evil.example", "acme%2Fapp.evil.net", ""] {
        let (status, location) = browser
            .get(&format!(
                "https://auth.test.localhost:{}/signin?site={site}&return_to=%2F",
                gw.https_port()
            ))
            .await;
        assert_eq!(status, 404, "site={site} got {status} {location:?}");
    }
    // return_to cannot point elsewhere: it is reduced to a same-origin path.
    let (_, location) = browser
        .get(&format!(
            "https://auth.test.localhost:{}/signin?site=acme%2Fapp&return_to=%2F%2Fevil.example",
            gw.https_port()
        ))
        .await;
    let location = location.unwrap();
    assert!(
        location.starts_with(&format!("https://{}:", host("app"))),
        "{location}"
    );
    assert!(location.ends_with("return_to=%2F"), "{location}");
}

#[tokio::test]
async fn sec_22_sign_in_endpoints_are_rate_limited_per_client() {
    let upstream = Upstream::start().await;
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac(&upstream))
        .extra("[dev_idp]\nenabled = true")
        .signin("rate_limit_burst = 3\nrate_limit_per_minute = 1")
        .start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let url = format!(
        "https://auth.test.localhost:{}/signin?site=acme%2Fapp&return_to=%2F",
        gw.https_port()
    );
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(browser.get(&url).await.0);
    }
    assert_eq!(statuses, [302, 302, 302, 429, 429]);
    assert_eq!(
        browser
            .get(&browser.url(&host("app"), "/.sitegate/me"))
            .await
            .0,
        429,
        "site sign-in endpoints share the limit"
    );
    assert_eq!(
        browser.get(&browser.url(&host("app"), "/")).await.0,
        302,
        "ordinary site traffic is not limited"
    );
}

#[tokio::test]
async fn a_session_in_use_outlives_its_idle_timeout_through_the_renewed_cookie() {
    // Past half its idle time, a request renews the session: the gateway's own Set-Cookie
    // goes out with the upstream's response (and is not taken for a backend's).
    let upstream = Upstream::start().await;
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac(&upstream))
        .extra("[dev_idp]\nenabled = true")
        .signin(
            "rate_limit_burst = 1000\nrate_limit_per_minute = 60000\nsession_idle_timeout = \"6s\"",
        )
        .start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    browser.sign_in(&host("app"), "/", "owner@acme.test").await;
    tokio::time::sleep(std::time::Duration::from_millis(4200)).await;
    let renewing = browser
        .http
        .get(browser.url(&host("app"), "/renew"))
        .send()
        .await
        .unwrap();
    assert_eq!(renewing.status(), 200);
    let set: Vec<String> = renewing
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        set.iter().any(|c| c.starts_with("__Host-sitegate=")),
        "the session was not renewed: {set:?}"
    );
    // Past the first idle deadline, the renewed session still opens the site.
    tokio::time::sleep(std::time::Duration::from_millis(3000)).await;
    let (status, seen) = echo(&browser, "app", "/after").await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["path"], "/after", "{seen}");
}
