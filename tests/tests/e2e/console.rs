//! The console's forms through the real gateway: a change needs the session's CSRF token and
//! a same-origin request, and the caller's role is checked again at every action (an admin
//! demoted in the RBAC file is refused with the token of the page they still have open).

use e2e::{Browser, GatewayBuilder};

use crate::support::eventually;

fn rbac(ann_role: &str) -> String {
    format!(
        "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\n\n[members]\n\"ann@acme.test\" = \"{ann_role}\"\n\n\
         # the team's site\n[sites.team]\naccess = \"workspace_all\"\nbackend = {{ deployed = true }}\n"
    )
}

/// The `csrf` field of the console page's first form.
fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn console_changes_need_the_csrf_token_a_same_origin_request_and_the_role_now() {
    let gw = GatewayBuilder::new()
        .rbac("acme", &rbac("admin"))
        .extra("[dev_idp]\nenabled = true")
        .start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    browser
        .sign_in("team.acme.test.localhost", "/", "ann@acme.test")
        .await;
    let page = browser.url("auth.test.localhost", "/console/sites/acme/team");
    let action = format!("{page}/access");
    let html = browser
        .http
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf(&html);
    let file = gw.dir().join("rbac/acme.toml");
    let post = |mode: &'static str, token: String, header: Option<(&'static str, String)>| {
        let mut request = browser
            .http
            .post(&action)
            .form(&[("mode", mode), ("csrf", &token)]);
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };

    let site_origin = format!("https://team.acme.test.localhost:{}", gw.https_port());
    assert_eq!(post("public", String::new(), None).await, 403, "no token");
    assert_eq!(
        post("public", format!("{token}0"), None).await,
        403,
        "a wrong token"
    );
    let cross = Some(("sec-fetch-site", "cross-site".to_string()));
    assert_eq!(
        post("public", token.clone(), cross).await,
        403,
        "a cross-site form"
    );
    let sibling = Some(("origin", site_origin));
    assert_eq!(
        post("public", token.clone(), sibling).await,
        403,
        "a form from a site's page"
    );
    assert!(!std::fs::read_to_string(&file)
        .unwrap()
        .contains("\"public\""));

    assert_eq!(
        post("admins_only", token.clone(), None).await,
        303,
        "the console's own form"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("access = \"admins_only\"") && text.contains("# the team's site"));

    // Demoted in the file (and reloaded: the page itself now refuses her), the token of the
    // page still open no longer acts.
    std::fs::write(&file, rbac("member")).unwrap();
    eventually("the demotion was picked up", async || {
        browser.http.get(&page).send().await.unwrap().status() == 403
    })
    .await;
    assert_eq!(
        post("public", token.clone(), None).await,
        403,
        "the role is checked at every action"
    );
    assert!(!std::fs::read_to_string(&file)
        .unwrap()
        .contains("\"public\""));
}
