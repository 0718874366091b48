//! Service tokens through the CLI and the running gateway (docs/security.md line 17).

use e2e::{GatewayBuilder, Upstream};

#[tokio::test]
async fn sec_17_service_tokens_are_scoped_to_their_workspace_and_sites_and_revocable() {
    let upstream = Upstream::start().await;
    let rbac = |ws: &str| {
        format!(
            "[workspace]\nid = \"{ws}\"\nname = \"{ws}\"\nidp = \"dev\"\n\n\
[sites.{ws}-app]\nhosts = [\"app.{ws}.test.localhost\"]\naccess = \"admins_only\"\nbackend = {{ upstream = \"{up}\" }}\n\n\
[sites.{ws}-wiki]\nhosts = [\"wiki.{ws}.test.localhost\"]\naccess = \"workspace_all\"\nbackend = {{ upstream = \"{up}\" }}\n",
            up = upstream.url()
        )
    };
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac("acme"))
        .rbac("globex", &rbac("globex"))
        .extra("[dev_idp]\nenabled = true")
        .start();
    let out = gw.cli(&[
        "token",
        "create",
        "--workspace",
        "acme",
        "--sites",
        "acme-app",
        "--expires",
        "1h",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(token.starts_with("sgt_"));

    let client = gw.client();
    let call = |site: &str, header: &'static str, value: String| {
        let req = client.http.get(client.url(site, "/")).header(header, value);
        async move { req.send().await.unwrap() }
    };
    let resp = call(
        "app.acme.test.localhost",
        "authorization",
        format!("Bearer {token}"),
    )
    .await;
    assert_eq!(
        resp.status(),
        200,
        "a token opens the site it names, whatever its access mode"
    );
    let echo: serde_json::Value = resp.json().await.unwrap();
    assert!(
        echo["headers"].get("authorization").is_none(),
        "the gateway's token is not forwarded: {echo}"
    );
    assert!(!echo.to_string().contains(&token));

    let resp = call(
        "app.acme.test.localhost",
        "oai-sites-authorization",
        format!("Bearer {token}"),
    )
    .await;
    assert_eq!(resp.status(), 200, "the Codex Sites header works too");
    let echo: serde_json::Value = resp.json().await.unwrap();
    assert!(echo["headers"].get("oai-sites-authorization").is_none());

    assert_eq!(
        call(
            "wiki.acme.test.localhost",
            "authorization",
            format!("Bearer {token}")
        )
        .await
        .status(),
        403,
        "not scoped to wiki"
    );
    assert_eq!(
        call(
            "app.globex.test.localhost",
            "authorization",
            format!("Bearer {token}")
        )
        .await
        .status(),
        403,
        "another workspace"
    );
    assert_eq!(
        call(
            "app.acme.test.localhost",
            "authorization",
            format!("Bearer {token}x")
        )
        .await
        .status(),
        401,
        "a wrong secret"
    );
    assert_eq!(
        call(
            "app.acme.test.localhost",
            "authorization",
            "Bearer someone-elses-api-key".into()
        )
        .await
        .status(),
        302,
        "other bearer values are the backend's business"
    );

    let listing = String::from_utf8(gw.cli(&["token", "list"]).stdout).unwrap();
    let id = token
        .trim_start_matches("sgt_")
        .split('_')
        .next()
        .unwrap()
        .to_string();
    assert!(
        listing.contains(&id) && listing.contains("active"),
        "{listing}"
    );
    assert!(
        !listing.contains(token.rsplit('_').next().unwrap()),
        "listings never show the secret"
    );

    let out = gw.cli(&["token", "revoke", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        call(
            "app.acme.test.localhost",
            "authorization",
            format!("Bearer {token}")
        )
        .await
        .status(),
        401,
        "revoked: refused at once"
    );

    let out = gw.cli(&["token", "create", "--workspace", "acme", "--sites", "nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no site \"nope\""));
}
