//! Access modes and path rules through the running gateway (mostly anonymous visitors), and
//! docs/security.md line 14: the path is normalized once, the rules see the same path the
//! backend gets, and encodings cannot move a request out of a rule; nor can spellings that
//! lenient backends read as the rule's path (sec_29).

use e2e::{Browser, GatewayBuilder, Upstream};

use crate::support::host;

fn rbac(upstream: &Upstream) -> String {
    format!(
        r#"[workspace]
id = "acme"
name = "Acme"
idp = "dev"

[members]
"owner@acme.test" = "owner"
"bob@acme.test" = "member"

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

[[sites.shop.rules]]
path = "/public/*"
access = "public"
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

/// `GET path` on `host` exactly as written, with `cookie` if given; the status line.
async fn raw_status(gw: &e2e::Gateway, host: &str, path: &str, cookie: Option<&str>) -> String {
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n\r\n");
    let (_, reply) =
        e2e::raw_https_request(&gw.ca_pem(), gw.https_port(), Some(host), host, &request)
            .await
            .expect("raw request");
    reply.lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn sec_29_no_spelling_of_an_admin_path_reaches_the_backend_past_its_rule() {
    let upstream = Upstream::start().await;
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac(&upstream))
        .extra("[dev_idp]\nenabled = true")
        .start();
    let shop = host("shop");
    let member = Browser::new(&gw.ca_pem(), gw.https_port());
    member.sign_in(&shop, "/admin/x", "bob@acme.test").await;
    let cookie = member.cookies_for(&member.url(&shop, "/"));
    let before = upstream.received();
    // Each spelling is `/admin/x` to some common backend (servlet containers, Spring, IIS,
    // ASP.NET, case-insensitive file systems). (spelling, anonymous, as a plain member)
    for (path, anonymous, as_member) in [
        ("/ADMIN/x", "302", "403"),
        ("/Admin/x", "302", "403"),
        ("/admin;/x", "400", "400"),
        ("/admin..;/x", "400", "400"),
        ("/admin;jsessionid=1/x", "400", "400"),
        ("/admin./x", "400", "400"),
        ("/admin%20/x", "400", "400"),
        ("/admin%3F/x", "400", "400"),
        ("/admin%23/x", "400", "400"),
        ("/%2561dmin/x", "400", "400"),
        ("/public/..;/admin/x", "400", "400"),
        ("/public/%2e%2e;/admin/x", "400", "400"),
    ] {
        let got = raw_status(&gw, &shop, path, None).await;
        assert!(
            got.starts_with(&format!("HTTP/1.1 {anonymous}")),
            "{path} anonymously: {got}"
        );
        let got = raw_status(&gw, &shop, path, Some(&cookie)).await;
        assert!(
            got.starts_with(&format!("HTTP/1.1 {as_member}")),
            "{path} as a member: {got}"
        );
    }
    assert_eq!(
        upstream.received(),
        before,
        "the upstream received none of them"
    );
    // What is allowed arrives, as the normalized path the rules judged.
    let got = raw_status(&gw, &shop, "/public/./x//y", None).await;
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    assert_eq!(upstream.received()[before.len()..], ["/public/x/y"]);
}
