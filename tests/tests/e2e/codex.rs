//! The Codex Sites contract on sites with `codex_sites = true`: its identity header names and
//! the gateway-owned `/signin-with-chatgpt` and `/signout-with-chatgpt`.

use e2e::{Browser, GatewayBuilder, Upstream};

use crate::support::host;

async fn start() -> (e2e::Gateway, Browser, Upstream) {
    let upstream = Upstream::start().await;
    let rbac = format!(
        "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\n\n\
[sites.app]\naccess = \"public\"\ncodex_sites = true\nbackend = {{ upstream = \"{up}\" }}\n\n\
[sites.plain]\naccess = \"public\"\nbackend = {{ upstream = \"{up}\" }}\n",
        up = upstream.url()
    );
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac)
        .extra("[dev_idp]\nenabled = true")
        .start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    (gw, browser, upstream)
}

async fn get(browser: &Browser, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = browser.http.get(browser.url(&host("app"), path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn codex_sites_get_their_headers_and_sign_in_paths() {
    let (_gw, browser, _up) = start().await;
    // Anonymous: sign-in goes to the sign-in host with the same return_to.
    let resp = get(
        &browser,
        "/signin-with-chatgpt?return_to=%2Fdash%3Ftab%3D1",
        &[],
    )
    .await;
    assert_eq!(resp.status(), 302);
    assert_eq!(resp.headers()["cache-control"], "private, no-store");
    let location = resp.headers()["location"].to_str().unwrap();
    assert!(
        location.contains("/signin?site=acme%2Fapp")
            && location.contains("return_to=%2Fdash%3Ftab%3D1"),
        "{location}"
    );

    // A public site lets visitors sign in explicitly; afterwards the backend sees both contracts.
    let (_, to_signin) = browser
        .get(&browser.url(&host("app"), "/.sitegate/login?return_to=%2F"))
        .await;
    let (_, to_idp) = browser.get(&to_signin.unwrap()).await;
    let authorize = to_idp.unwrap();
    let query = authorize.split_once('?').unwrap().1;
    let resp = browser
        .http
        .post(authorize.split('?').next().unwrap())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "{query}&email=zoe%40acme.test&name=Zo%C3%AB%20%C3%96lund"
        ))
        .send()
        .await
        .unwrap();
    let (_, site_callback) = browser
        .get(resp.headers()["location"].to_str().unwrap())
        .await;
    browser.get(&site_callback.unwrap()).await;
    let echo: serde_json::Value = get(&browser, "/", &[]).await.json().await.unwrap();
    let h = &echo["headers"];
    assert_eq!(
        h["oai-authenticated-user-email"][0], "zoe@acme.test",
        "{echo}"
    );
    assert_eq!(
        h["oai-authenticated-user-full-name"][0], "Zo%C3%AB%20%C3%96lund",
        "{echo}"
    );
    assert_eq!(h["sitegate-user-name"][0], "Zo%C3%AB%20%C3%96lund");
    assert_eq!(
        h["oai-authenticated-user-full-name-encoding"][0],
        "percent-encoded-utf-8"
    );
    assert_eq!(
        h["oai-authenticated-user-id"][0], h["sitegate-user-id"][0],
        "the same pairwise id"
    );

    // Signed in: sign-in just returns.
    let resp = get(&browser, "/signin-with-chatgpt?return_to=%2Fdash", &[]).await;
    assert_eq!(resp.headers()["location"], "/dash");
    // return_to must be a relative path, not protocol-relative and not reserved.
    for bad in [
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F.sitegate%2Flogout",
        "%2Fsignout-with-chatgpt",
    ] {
        let resp = get(
            &browser,
            &format!("/signin-with-chatgpt?return_to={bad}"),
            &[],
        )
        .await;
        assert_eq!(resp.headers()["location"], "/", "return_to={bad}");
    }
}

#[tokio::test]
async fn codex_sign_paths_refuse_cross_site_and_ignore_prefetches() {
    let (_gw, browser, _up) = start().await;
    for headers in [
        [("sec-fetch-site", "cross-site")],
        [("origin", "https://evil.example")],
    ] {
        assert_eq!(
            get(&browser, "/signout-with-chatgpt", &headers)
                .await
                .status(),
            403,
            "{headers:?}"
        );
    }
    for headers in [
        [("sec-purpose", "prefetch;prerender")],
        [("purpose", "prefetch")],
        [("next-router-prefetch", "1")],
        [("x-middleware-prefetch", "1")],
    ] {
        let resp = get(&browser, "/signout-with-chatgpt", &headers).await;
        assert_eq!(resp.status(), 204, "{headers:?}");
        assert!(
            resp.headers().get("set-cookie").is_none(),
            "a prefetch changes nothing"
        );
    }
    let resp = browser
        .http
        .post(browser.url(&host("app"), "/signout-with-chatgpt?return_to=%2Fbye"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/bye");
    assert!(resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("__Host-sitegate=;"));
    let resp = get(
        &browser,
        "/signout-with-chatgpt",
        &[("origin", &browser.url(&host("app"), ""))],
    )
    .await;
    assert_eq!(resp.status(), 302, "a same-origin request is fine");
}

#[tokio::test]
async fn other_sites_keep_those_paths_for_their_backend() {
    let (_gw, browser, _up) = start().await;
    let resp = browser
        .http
        .get(browser.url(&host("plain"), "/signin-with-chatgpt"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let echo: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(echo["path"], "/signin-with-chatgpt");
}
