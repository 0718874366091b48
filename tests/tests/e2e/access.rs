//! Access modes and path rules through the running gateway (no identity yet: anonymous
//! visitors), and SECURITY-CHECKLIST line 14: the path is normalized once, the rules see the
//! same path the backend gets, and encodings cannot move a request out of a rule.

use e2e::{GatewayBuilder, Upstream};

use crate::support::host;

fn rbac(upstream: &Upstream) -> String {
    format!(
        r#"[workspace]
id = "acme"
name = "Acme"
idp = "dev"

[members]
"owner@acme.test" = "owner"

[sites.intranet]
access = "workspace_all"
backend = {{ upstream = "{up}" }}

[[sites.intranet.rules]]
path = "/api/public/*"
access = "public"

[sites.shop]
access = "public"
backend = {{ upstream = "{up}" }}

[[sites.shop.rules]]
path = "/admin/*"
access = "admins_only"
"#,
        up = upstream.url()
    )
}

async fn status(client: &e2e::Client, site: &str, path: &str) -> u16 {
    client.get(&host(site), path).await.status().as_u16()
}

#[tokio::test]
async fn modes_and_most_specific_path_rules_decide_for_anonymous_visitors() {
    let upstream = Upstream::start().await;
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac(&upstream))
        .extra("[dev_idp]\nenabled = true")
        .start();
    let client = gw.client();
    assert_eq!(
        status(&client, "intranet", "/").await,
        302,
        "workspace_all sends visitors to sign in"
    );
    assert_eq!(
        status(&client, "intranet", "/api/public/status").await,
        200,
        "a public path rule opens it"
    );
    assert_eq!(status(&client, "shop", "/").await, 200);
    assert_eq!(
        status(&client, "shop", "/admin/orders").await,
        302,
        "an admins_only rule closes it"
    );

    let resp = client
        .http
        .get(client.url(&host("intranet"), "/"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        401,
        "API callers get 401 rather than a redirect"
    );
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "login_required");
    assert!(
        body["login_url"]
            .as_str()
            .unwrap()
            .starts_with("https://auth.test.localhost:"),
        "{body}"
    );
}

#[tokio::test]
async fn sec_14_normalization_cannot_move_a_request_out_of_a_rule() {
    let upstream = Upstream::start().await;
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac(&upstream))
        .extra("[dev_idp]\nenabled = true")
        .start();
    let client = gw.client();
    // reqwest normalizes dot segments itself, so send the raw paths over a raw connection.
    for path in [
        "/api/public/../secret",
        "/api/public/%2e%2e/secret",
        "/api/public/%2E%2E/secret",
        "/api/public/.%2e/secret",
        "//api/public/../../secret",
    ] {
        let reply = gw.raw_get(&host("intranet"), path).await;
        assert!(
            reply.starts_with("HTTP/1.1 302"),
            "{path} escaped the public rule: {reply}"
        );
    }
    for path in [
        "/api%2Fpublic/x",
        "/api/public%2F..%2Fsecret",
        "/api/public/..%5Csecret",
        "/api/public\\..\\secret",
    ] {
        let reply = gw.raw_get(&host("intranet"), path).await;
        assert!(
            reply.starts_with("HTTP/1.1 400"),
            "{path} must be refused: {reply}"
        );
    }
    // The backend receives the normalized path the rules saw, query kept.
    let reply = gw
        .raw_get(&host("intranet"), "/api/public/./x//y/../z?q=1")
        .await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
    let echo: serde_json::Value =
        serde_json::from_str(body.trim()).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(echo["path"], "/api/public/x/z");
    assert_eq!(echo["query"], "q=1");
    // Fragments never reach the server; a query cannot carry a path.
    assert_eq!(
        status(&client, "intranet", "/secret?/api/public/x").await,
        302
    );
}

#[tokio::test]
async fn sec_16_no_header_user_agent_address_or_path_is_a_silent_bypass() {
    let upstream = Upstream::start().await;
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac(&upstream))
        .extra("[dev_idp]\nenabled = true")
        .start();
    let client = gw.client();
    let attempts: [(&str, &[(&str, &str)]); 9] = [
        ("/", &[("user-agent", "GoogleHC/1.0")]),
        ("/", &[("user-agent", "kube-probe/1.29")]),
        ("/", &[("x-forwarded-for", "127.0.0.1")]),
        (
            "/",
            &[("x-real-ip", "10.0.0.1"), ("forwarded", "for=127.0.0.1")],
        ),
        (
            "/",
            &[
                ("x-original-url", "/api/public/x"),
                ("x-rewrite-url", "/api/public/x"),
            ],
        ),
        ("/healthz", &[]),
        ("/.well-known/openid-configuration", &[]),
        ("/favicon.ico", &[]),
        ("/", &[("authorization", "Bearer not-a-sitegate-token")]),
    ];
    for (path, headers) in attempts {
        let mut req = client
            .http
            .get(client.url(&host("intranet"), path))
            .header("sec-fetch-mode", "navigate");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(
            resp.status(),
            302,
            "{path} with {headers:?} must still need sign-in"
        );
    }
}
