//! Proxying to upstreams: forwarding headers, streamed bodies both ways without buffering,
//! WebSocket upgrade, and the 502/504 pages.

use std::sync::Arc;

use e2e::Upstream;
use futures_util::{SinkExt, StreamExt};

use crate::support::{acme, host};

#[tokio::test]
async fn client_forwarding_headers_are_replaced_unless_peer_is_trusted() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let resp = gw
        .client()
        .http
        .get(gw.client().url(&host("app"), "/"))
        .header("x-forwarded-for", "203.0.113.9")
        .header("x-forwarded-host", "evil.example")
        .header("x-request-id", "client-chosen-id")
        .send()
        .await
        .unwrap();
    assert_ne!(resp.headers()["x-request-id"], "client-chosen-id");
    let echo: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        echo["headers"]["x-forwarded-for"],
        serde_json::json!(["127.0.0.1"])
    );
    assert_eq!(
        echo["headers"]["x-forwarded-host"],
        serde_json::json!([host("app")])
    );

    let trusted = acme(&upstream)
        .extra("[proxy]\ntrusted_proxies = [\"127.0.0.1/32\"]")
        .start();
    let resp = trusted
        .client()
        .http
        .get(trusted.client().url(&host("app"), "/"))
        .header("x-forwarded-for", "203.0.113.9")
        .header("x-request-id", "edge-id-1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "edge-id-1");
    let echo: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        echo["headers"]["x-forwarded-for"],
        serde_json::json!(["203.0.113.9, 127.0.0.1"])
    );
}

#[tokio::test]
async fn hop_by_hop_headers_do_not_reach_the_upstream() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let h1 = e2e::Client::builder(&gw.ca_pem(), gw.https_port())
        .http1_only()
        .build()
        .unwrap();
    let resp = h1
        .get(gw.client().url(&host("app"), "/"))
        .header("connection", "keep-alive, x-secret-hop")
        .header("x-secret-hop", "1")
        .header("te", "trailers")
        .send()
        .await
        .unwrap();
    let echo: serde_json::Value = resp.json().await.unwrap();
    assert!(echo["headers"].get("x-secret-hop").is_none(), "{echo}");
    assert!(echo["headers"].get("te").is_none(), "{echo}");
}

const FIFTY_MB: u64 = 50 * 1024 * 1024;

#[tokio::test]
async fn large_bodies_stream_both_ways_without_buffering() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).limits("max_body_bytes = 104857600").start();
    let client = gw.client();
    let before = gw.rss_kib();

    // Upload 50 MB as a stream of 64 KiB chunks (chunked, no Content-Length).
    let chunk = bytes::Bytes::from(vec![7u8; 64 * 1024]);
    let chunks = (FIFTY_MB / chunk.len() as u64) as usize;
    let stream = futures_util::stream::iter(
        (0..chunks).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
    );
    let resp = client
        .http
        .post(client.url(&host("app"), "/upload"))
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["bytes"], FIFTY_MB);

    // Download 50 MB and count it as it arrives.
    let resp = client
        .get(&host("app"), &format!("/download?bytes={FIFTY_MB}"))
        .await;
    assert_eq!(resp.status(), 200);
    let mut received = 0u64;
    let mut stream = resp.bytes_stream();
    while let Some(piece) = stream.next().await {
        received += piece.unwrap().len() as u64;
    }
    assert_eq!(received, FIFTY_MB);

    let grown_mib = gw.rss_kib().saturating_sub(before) / 1024;
    assert!(
        grown_mib < 40,
        "gateway memory grew by {grown_mib} MiB while moving 100 MB: bodies are being buffered"
    );
}

#[tokio::test]
async fn websocket_upgrade_echoes_through_the_gateway() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", gw.https_port()))
        .await
        .unwrap();
    let tls = e2e::client::tls_config(&gw.ca_pem(), true);
    let url = format!("wss://{}:{}/socket", host("ws"), gw.https_port());
    let (mut socket, response) = tokio_tungstenite::client_async_tls_with_config(
        url,
        tcp,
        None,
        Some(tokio_tungstenite::Connector::Rustls(Arc::new(tls))),
    )
    .await
    .expect("websocket handshake through the gateway");
    assert_eq!(response.status(), 101);
    for text in ["hello", "second message"] {
        socket
            .send(tokio_tungstenite::tungstenite::Message::text(text))
            .await
            .unwrap();
        let echoed = socket.next().await.unwrap().unwrap();
        assert_eq!(echoed.into_text().unwrap().as_str(), text);
    }
}

#[tokio::test]
async fn refused_upstream_is_502_and_slow_upstream_is_504() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream)
        .limits("upstream_read_timeout = \"1s\"")
        .start();
    let client = gw.client();

    let resp = client.get(&host("down"), "/").await;
    assert_eq!(resp.status(), 502);
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    let page = resp.text().await.unwrap();
    assert!(
        page.contains("Site unavailable") && page.contains(&id),
        "{page}"
    );
    assert!(
        !page.contains("127.0.0.1"),
        "the error page must not reveal the upstream address: {page}"
    );

    let resp = client.get(&host("app"), "/slow?ms=3000").await;
    assert_eq!(resp.status(), 504);
    assert!(resp.text().await.unwrap().contains("Site timed out"));
}

#[tokio::test]
async fn https_upstreams_are_verified_against_the_configured_cas() {
    let builder = e2e::GatewayBuilder::new();
    let ca = certs::DevCa::load_or_create(&builder.dir().join("upstream-ca")).unwrap();
    let good = ca
        .issue_to_files(&["localhost".to_string()], &builder.dir().join("good"))
        .unwrap();
    let wrong_name = ca
        .issue_to_files(
            &["someone-else.test".to_string()],
            &builder.dir().join("bad"),
        )
        .unwrap();
    let good_port = Upstream::start_tls(&good).await;
    let wrong_port = Upstream::start_tls(&wrong_name).await;
    // "localhost" resolves to 127.0.0.1 here; the certificate name is what is verified.
    let rbac = format!(
        "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\n\n\
[sites.good]\naccess = \"public\"\nbackend = {{ upstream = \"https://localhost:{good_port}\" }}\n\n\
[sites.wrong]\naccess = \"public\"\nbackend = {{ upstream = \"https://localhost:{wrong_port}\" }}\n"
    );
    let gw = builder
        .rbac("acme", &rbac)
        .extra("[dev_idp]\nenabled = true")
        .extra(&format!(
            "[proxy]\nupstream_ca_file = \"{}\"",
            ca.ca_path().display()
        ))
        .start();
    let client = gw.client();
    assert_eq!(
        client.get(&host("good"), "/").await.status(),
        200,
        "{}",
        gw.log()
    );
    assert_eq!(
        client.get(&host("wrong"), "/").await.status(),
        502,
        "a certificate for another name must be refused"
    );
}
