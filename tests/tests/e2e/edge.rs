//! The edge, from a black-box attack run: headers the gateway owns survive the client's
//! `Connection` list, forwarding and override headers in any spelling never reach the backend
//! (sec_27); the plain-HTTP listener redirects only served hosts, the sign-in host is not
//! served under a site's SNI, and a request head has an overall deadline (sec_28). Requests
//! that a client library would normalise go out as raw bytes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use e2e::{raw_https_request, Browser, Gateway, Upstream};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use crate::support::{acme, host};

const SIGNIN_HOST: &str = "auth.test.localhost";

/// Sends `request` as is over TLS with SNI `sni`; the whole response text.
async fn raw(gw: &Gateway, sni: &str, request: &str) -> String {
    let (_, reply) = raw_https_request(&gw.ca_pem(), gw.https_port(), Some(sni), sni, request)
        .await
        .expect("raw request");
    reply
}

/// The JSON body the echo upstream answered with.
fn echoed(reply: &str) -> serde_json::Value {
    assert!(reply.starts_with("HTTP/1.1 200"), "got: {reply}");
    let (_, body) = reply.split_once("\r\n\r\n").expect("a body");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn sec_27_identity_headers_survive_a_connection_header_naming_them() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    browser.sign_in(&host("team"), "/", "owner@acme.test").await;
    let cookie = browser.cookies_for(&browser.url(&host("team"), "/"));
    let request = format!(
        "GET /echo HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nConnection: close, \
         sitegate-user-email, Sitegate-User-Role, sitegate-user-id, sitegate-user-groups, \
         sitegate-jwt-assertion\r\n\r\n",
        host("team")
    );
    let echo = echoed(&raw(&gw, &host("team"), &request).await);
    let headers = &echo["headers"];
    assert_eq!(headers["sitegate-user-email"][0], "owner@acme.test");
    assert_eq!(headers["sitegate-user-role"][0], "owner");
    assert!(headers["sitegate-user-id"][0].is_string(), "{headers}");
    assert!(
        headers["sitegate-jwt-assertion"][0].is_string(),
        "{headers}"
    );
    assert!(
        headers
            .get("connection")
            .is_none_or(|c| !c.to_string().contains("sitegate")),
        "the backend is not told to drop them either: {headers}"
    );
}

#[tokio::test]
async fn sec_04_a_gateway_cookie_joined_with_a_comma_never_reaches_the_upstream() {
    // Some backends split `Cookie` at commas too: `a=1, __Host-sitegate=spoof` is read there
    // as the gateway's cookie, so it goes as one.
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let request = format!(
        "GET /echo HTTP/1.1\r\nHost: {}\r\nCookie: a=1, __Host-sitegate=spoof; b=2\r\n\
         Cookie: c=3,sitegate-sso=x\r\nConnection: close\r\n\r\n",
        host("app")
    );
    let echo = echoed(&raw(&gw, &host("app"), &request).await);
    let cookies = echo["headers"]["cookie"].to_string();
    assert!(
        !cookies.to_ascii_lowercase().contains("sitegate"),
        "{cookies}"
    );
    assert!(
        cookies.contains("b=2"),
        "the other cookies still pass: {cookies}"
    );
}

#[tokio::test]
async fn sec_27_forwarding_and_override_headers_in_any_spelling_never_reach_the_upstream() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let sent = [
        "X_Forwarded_For: 203.0.113.9",
        "X-Forwarded_For: 203.0.113.9",
        "X-Forwarded-For: 203.0.113.9",
        "X_Real_IP: 203.0.113.9",
        "X_Forwarded_Host: evil.example",
        "X-Original-URL: /admin",
        "X-Rewrite-URL: /admin",
        "X-HTTP-Method-Override: DELETE",
        "True-Client-IP: 203.0.113.9",
        "CF-Connecting-IP: 203.0.113.9",
        "Fastly-Client-IP: 203.0.113.9",
        "X-Client-IP: 203.0.113.9",
        "X-Cluster-Client-IP: 203.0.113.9",
        "Forwarded: for=203.0.113.9",
    ];
    let request = format!(
        "GET /echo HTTP/1.1\r\nHost: {}\r\n{}\r\nConnection: close\r\n\r\n",
        host("app"),
        sent.join("\r\n")
    );
    let echo = echoed(&raw(&gw, &host("app"), &request).await);
    let headers = echo["headers"].as_object().expect("headers");
    let overrides = ["x-original-url", "x-rewrite-url", "x-http-method-override"];
    let spoofed: Vec<&String> = headers
        .iter()
        .filter(|(name, values)| {
            name.contains('_')
                || overrides.contains(&name.as_str())
                || values.to_string().contains("203.0.113.9")
        })
        .map(|(name, _)| name)
        .collect();
    assert!(spoofed.is_empty(), "reached the upstream: {spoofed:?}");
    assert_eq!(headers["x-forwarded-for"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(
        headers["x-forwarded-host"],
        serde_json::json!([host("app")])
    );
}

#[tokio::test]
async fn sec_28_plain_http_redirects_only_hosts_sitegate_serves() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let client = crate::support::plain_http_client();
    let get = async |host: &str| {
        client
            .get(format!("http://127.0.0.1:{}/x", gw.http_port()))
            .header("host", host)
            .send()
            .await
            .unwrap()
    };
    for served in [host("app"), SIGNIN_HOST.to_string()] {
        let resp = get(&served).await;
        assert_eq!(resp.status(), 308, "{served}");
        assert_eq!(
            resp.headers()["location"],
            format!("https://{served}:{}/x", gw.https_port()).as_str()
        );
    }
    for foreign in [
        "evil.com",
        "nope.acme.test.localhost",
        "0123abcd--app.acme.test.localhost",
    ] {
        let resp = get(foreign).await;
        assert_eq!(resp.status(), 404, "{foreign}");
        assert!(resp.headers().get("location").is_none(), "{foreign}");
    }
}

#[tokio::test]
async fn sec_28_the_sign_in_host_is_misdirected_under_another_names_sni() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream).start();
    let request =
        |host: &str| format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");

    let reply = raw(&gw, &host("app"), &request(SIGNIN_HOST)).await;
    assert!(
        reply.starts_with("HTTP/1.1 421"),
        "site SNI, sign-in Host: {reply}"
    );
    let reply = raw(&gw, SIGNIN_HOST, &request(&host("app"))).await;
    assert!(
        reply.starts_with("HTTP/1.1 421"),
        "sign-in SNI, site Host: {reply}"
    );

    // Its own name is served.
    let reply = raw(&gw, SIGNIN_HOST, &request(SIGNIN_HOST)).await;
    assert!(reply.starts_with("HTTP/1.1 "), "got: {reply}");
    assert!(!reply.starts_with("HTTP/1.1 421"), "got: {reply}");
}

/// A TLS connection to the site listener with SNI `sni`, speaking HTTP/1.1.
async fn connect(gw: &Gateway, sni: &str) -> TlsStream<TcpStream> {
    let config = e2e::client::tls_config(&gw.ca_pem(), true);
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(("127.0.0.1", gw.https_port()))
        .await
        .unwrap();
    let name = ServerName::try_from(sni.to_string()).unwrap();
    connector.connect(name, tcp).await.unwrap()
}

/// Reads one response whose body has a `Content-Length`; its text.
async fn read_response(stream: &mut (impl AsyncRead + Unpin)) -> String {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        assert_eq!(
            stream.read(&mut byte).await.unwrap(),
            1,
            "connection closed"
        );
        bytes.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&bytes).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.unwrap();
    head + &String::from_utf8_lossy(&body)
}

/// Sends `request` one byte every 100 ms while reading what comes back; the reply and how long
/// the connection lasted.
async fn trickle<S: AsyncRead + AsyncWrite + Send + 'static>(
    stream: S,
    request: String,
) -> (String, Duration) {
    let (mut reader, mut writer) = tokio::io::split(stream);
    let started = Instant::now();
    let writing = tokio::spawn(async move {
        for byte in request.bytes() {
            if writer.write_all(&[byte]).await.is_err() || writer.flush().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), reader.read_to_end(&mut reply)).await;
    let lasted = started.elapsed();
    writing.abort();
    (String::from_utf8_lossy(&reply).into_owned(), lasted)
}

#[tokio::test]
async fn sec_28_a_request_head_sent_byte_by_byte_is_cut_off_at_the_deadline() {
    let upstream = Upstream::start().await;
    let gw = acme(&upstream)
        .limits("header_read_timeout = \"2s\"")
        .start();
    // About 6 s of head at one byte every 100 ms.
    let slow = format!(
        "GET /echo HTTP/1.1\r\nHost: {}\r\nX-Pad: padding\r\n\r\n",
        host("app")
    );

    let (reply, lasted) = trickle(connect(&gw, &host("app")).await, slow.clone()).await;
    assert!(reply.is_empty(), "a trickled head was answered: {reply}");
    assert!(lasted < Duration::from_secs(4), "cut off after {lasted:?}");

    // On a kept-alive connection the clock starts at each request's first byte: an idle
    // wait longer than the deadline does not count, a trickled second head does.
    let mut conn = connect(&gw, &host("app")).await;
    let fast = format!("GET /echo HTTP/1.1\r\nHost: {}\r\n\r\n", host("app"));
    conn.write_all(fast.as_bytes()).await.unwrap();
    let first = read_response(&mut conn).await;
    assert!(first.starts_with("HTTP/1.1 200"), "got: {first}");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    conn.write_all(fast.as_bytes()).await.unwrap();
    let second = read_response(&mut conn).await;
    assert!(
        second.starts_with("HTTP/1.1 200"),
        "after an idle wait: {second}"
    );
    let (reply, lasted) = trickle(conn, slow).await;
    assert!(
        reply.is_empty(),
        "a trickled second head was answered: {reply}"
    );
    assert!(lasted < Duration::from_secs(4), "cut off after {lasted:?}");
}

/// The status of a WebSocket upgrade to site `ws` sent with `origin`.
async fn upgrade_status(gw: &Gateway, origin: Option<&str>) -> u16 {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let tcp = TcpStream::connect(("127.0.0.1", gw.https_port()))
        .await
        .unwrap();
    let tls = e2e::client::tls_config(&gw.ca_pem(), true);
    let url = format!("wss://{}:{}/socket", host("ws"), gw.https_port());
    let mut request = url.into_client_request().unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::client_async_tls_with_config(
        request,
        tcp,
        None,
        Some(tokio_tungstenite::Connector::Rustls(Arc::new(tls))),
    )
    .await
    {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("upgrade failed: {other}"),
    }
}

#[tokio::test]
async fn sec_34_websocket_upgrades_from_other_origins_are_refused() {
    let upstream = Upstream::start().await;
    let rbac = crate::support::acme_rbac(&upstream).replace(
        "[sites.ws]\n",
        "[sites.ws]\nwebsocket_origins = [\"https://partner.example\"]\n",
    );
    let gw = e2e::GatewayBuilder::new()
        .rbac("acme", &rbac)
        .extra("[dev_idp]\nenabled = true")
        .start();
    let own = format!("https://{}:{}", host("ws"), gw.https_port());
    let sibling = format!("https://{}:{}", host("app"), gw.https_port());
    assert_eq!(upgrade_status(&gw, Some(&own)).await, 101, "its own pages");
    assert_eq!(
        upgrade_status(&gw, None).await,
        101,
        "a client that is not a browser"
    );
    assert_eq!(
        upgrade_status(&gw, Some("https://partner.example")).await,
        101,
        "a listed origin"
    );
    for origin in [
        sibling.as_str(),
        "https://evil.example",
        "null",
        "http://ws.acme.test.localhost",
        "https://partner.example.evil.example",
    ] {
        assert_eq!(upgrade_status(&gw, Some(origin)).await, 403, "{origin}");
    }
}

/// An upstream that records the bytes of its one connection: it answers the first request
/// once that request's chunked body has ended, keeps the connection open, and hands back
/// everything it received by then and in the next half second.
async fn recording_upstream() -> (u16, tokio::sync::oneshot::Receiver<Vec<u8>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (done, received) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut conn, _) = listener.accept().await.unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let mut answered = false;
        let mut quiet_until = None;
        loop {
            let wait = match quiet_until {
                Some(until) => until - Instant::now().min(until),
                None => Duration::from_secs(10),
            };
            match tokio::time::timeout(wait, conn.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
                _ => break,
            }
            if !answered && seen.windows(5).any(|w| w == b"0\r\n\r\n") {
                answered = true;
                conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                    .await
                    .unwrap();
                quiet_until = Some(Instant::now() + Duration::from_millis(500));
            }
        }
        let _ = done.send(seen);
    });
    (port, received)
}

#[tokio::test]
async fn sec_35_an_http2_body_ends_exactly_once_upstream() {
    // An h2 POST with no content-length whose last DATA frame is empty and carries
    // END_STREAM: the upstream must get one chunked terminator, not a second one that a
    // pooled connection would read as the start of another request.
    let (port, received) = recording_upstream().await;
    let rbac = format!(
        "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\n\n\
         [sites.app]\naccess = \"public\"\nbackend = {{ upstream = \"http://127.0.0.1:{port}\" }}\n"
    );
    let gw = e2e::GatewayBuilder::new()
        .rbac("acme", &rbac)
        .extra("[dev_idp]\nenabled = true")
        .start();
    let client = e2e::Client::builder(&gw.ca_pem(), gw.https_port())
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let chunks = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from("x"))]);
    let reply = client
        .post(format!(
            "https://{}:{}/upload",
            host("app"),
            gw.https_port()
        ))
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.version(), reqwest::Version::HTTP_2);
    assert_eq!(reply.status(), 200, "{}", gw.log());
    let seen = received.await.unwrap();
    let text = String::from_utf8_lossy(&seen).to_string();
    let (_, body) = text.split_once("\r\n\r\n").expect("a request head");
    assert_eq!(
        body, "1\r\nx\r\n0\r\n\r\n",
        "the upstream received: {text:?}"
    );
}
