//! Routing: Host/:authority to site, case-insensitive, 404 for unknown hosts, 421 when SNI and
//! Host name different sites, and the HTTP listener's redirect to HTTPS.

use e2e::{raw_https_request, Upstream};

use crate::support::{acme, host};

#[tokio::test]
async fn routes_by_host_over_http1_and_http2() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let client = gw.client();

    let resp = client.get(&host("app"), "/echo?x=1").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.version(),
        reqwest::Version::HTTP_2,
        "ALPN should pick h2"
    );
    let request_id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    let echo: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(echo["path"], "/echo");
    assert_eq!(echo["query"], "x=1");
    assert_eq!(echo["headers"]["x-forwarded-host"][0], host("app"));
    assert_eq!(echo["headers"]["x-forwarded-proto"][0], "https");
    assert_eq!(echo["headers"]["x-request-id"][0], request_id.as_str());

    let h1 = e2e::Client::builder(&gw.ca_pem(), gw.https_port())
        .http1_only()
        .build()
        .unwrap();
    let resp = h1
        .get(client.url(&host("app").to_uppercase(), "/"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "hostnames match case-insensitively");
    assert_eq!(resp.version(), reqwest::Version::HTTP_11);
}

#[tokio::test]
async fn unknown_host_gets_404_page_or_json() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let client = gw.client();

    let resp = client.get("nope.acme.test.localhost", "/").await;
    assert_eq!(resp.status(), 404);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(resp.text().await.unwrap().contains("Site not found"));

    let resp = client
        .http
        .get(client.url("nope.acme.test.localhost", "/"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "site_not_found");
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn sec_15_sni_naming_another_site_is_misdirected() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        host("other")
    );
    let (_, reply) = raw_https_request(
        &gw.ca_pem(),
        gw.https_port(),
        Some(&host("app")),
        &host("app"),
        &request,
    )
    .await
    .unwrap();
    assert!(reply.starts_with("HTTP/1.1 421"), "got: {reply}");

    // Matching SNI and Host is served.
    let reply = gw.raw_get(&host("app"), "/").await;
    assert!(reply.starts_with("HTTP/1.1 200"), "got: {reply}");
}

#[tokio::test]
async fn plain_http_redirects_to_https_keeping_path_and_query() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let client = crate::support::plain_http_client();
    let resp = client
        .post(format!("http://127.0.0.1:{}/a/b?c=d", gw.http_port()))
        .header("host", host("app"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 308);
    assert_eq!(
        resp.headers()["location"],
        format!("https://{}:{}/a/b?c=d", host("app"), gw.https_port()).as_str()
    );
}

#[tokio::test]
async fn plain_http_can_serve_sites_behind_a_tls_terminating_balancer() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).listen("http_mode = \"proxy\"").start();
    let resp = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{}/x", gw.http_port()))
        .header("host", host("app"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let echo: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(echo["headers"]["x-forwarded-proto"][0], "http");
}
