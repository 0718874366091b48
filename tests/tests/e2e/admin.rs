//! The admin listener: `/healthz` and `/metrics` there, and never through a site hostname.

use e2e::Upstream;

use crate::support::{acme, host};

#[tokio::test]
async fn sec_23_health_and_metrics_live_only_on_the_admin_listener() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let plain = gw.admin_client();
    let admin = gw.admin_url();

    let health: serde_json::Value = plain
        .get(format!("{admin}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");

    let client = gw.client();
    assert_eq!(client.get(&host("app"), "/").await.status(), 200);
    // Requests are counted when they finish, just after the client has its response.
    let wanted = "sitegate_requests_total{outcome=\"proxied\",site=\"acme/app\",status=\"2xx\"}";
    let mut metrics = String::new();
    for _ in 0..50 {
        metrics = plain
            .get(format!("{admin}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains(wanted) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(metrics.contains(wanted), "{metrics}");

    // On a site hostname these paths belong to the site: the upstream answers, not the gateway.
    for path in ["/healthz", "/metrics", "/api/v1/sites/acme/app/versions"] {
        let echo: serde_json::Value = client.get(&host("app"), path).await.json().await.unwrap();
        assert_eq!(
            echo["path"], path,
            "the site's own {path} must be proxied, not served by the gateway"
        );
    }
}

#[tokio::test]
async fn every_request_gets_one_json_access_line_with_its_request_id() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).extra("[log]\nformat = \"json\"").start();
    let resp = gw.client().get(&host("app"), "/hello?token=secret").await;
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    drop(resp);
    let mut line = None;
    for _ in 0..50 {
        line = gw
            .log()
            .lines()
            .find(|l| l.contains(&id) && l.contains("\"target\":\"access\""))
            .map(str::to_string);
        if line.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let line = line.expect("an access line for the request");
    let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(entry["site"], "acme/app");
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["path"], "/hello");
    assert!(
        !line.contains("secret"),
        "query strings (which may carry tokens) are not logged: {line}"
    );
}
