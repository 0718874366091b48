//! Limits: header size (431), body size (413, declared or streamed), slow clients (408).

use std::time::Duration;

use e2e::{raw_https_request, Upstream};

use crate::support::{acme, host};

#[tokio::test]
async fn oversized_headers_get_431() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream)
        .limits("max_request_header_bytes = 2048")
        .start();
    let client = gw.client();
    let resp = client
        .http
        .get(client.url(&host("app"), "/"))
        .header("x-big", "a".repeat(4000))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 431);
    let resp = client
        .http
        .get(client.url(&host("app"), "/"))
        .header("x-small", "a".repeat(100))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_declared_or_streamed() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).limits("max_body_bytes = 1000000").start();
    let client = gw.client();

    let resp = client
        .http
        .post(client.url(&host("app"), "/upload"))
        .body(vec![1u8; 2_000_000])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);

    let resp = client
        .http
        .post(client.url(&host("app"), "/upload"))
        .body(vec![1u8; 500_000])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    // Chunked (no Content-Length): cut off once the limit is crossed.
    let chunk = bytes::Bytes::from(vec![1u8; 100_000]);
    let stream =
        futures_util::stream::iter((0..30).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    let h1 = e2e::Client::builder(&gw.ca_pem(), gw.https_port())
        .http1_only()
        .build()
        .unwrap();
    let result = h1
        .post(client.url(&host("app"), "/upload"))
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await;
    match result {
        Ok(resp) => assert_eq!(resp.status(), 413),
        Err(e) => assert!(
            e.is_request() || e.is_body(),
            "connection cut is acceptable, got {e}"
        ),
    }
}

#[tokio::test]
async fn slow_body_senders_are_cut_off_with_408() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).limits("body_read_timeout = \"1s\"").start();
    let request = format!(
        "POST /upload HTTP/1.1\r\nHost: {}\r\nContent-Length: 100\r\nConnection: close\r\n\r\n0123456789",
        host("app")
    );
    let (ca, app) = (gw.ca_pem(), host("app"));
    let exchange = raw_https_request(&ca, gw.https_port(), Some(&app), &app, &request);
    let (_, reply) = tokio::time::timeout(Duration::from_secs(30), exchange)
        .await
        .expect("the gateway must cut the slow client off")
        .unwrap();
    assert!(reply.starts_with("HTTP/1.1 408"), "got: {reply}");
}
