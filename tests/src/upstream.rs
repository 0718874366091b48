//! A real HTTP/1.1 upstream for the tests (hyper): echoes requests as JSON, streams uploads and
//! downloads of any size without holding them, answers slowly or with a redirect on demand, and
//! echoes WebSocket messages on a second port. It remembers the target of every HTTP request.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};

/// A running upstream; its tasks end with the test's runtime.
pub struct Upstream {
    /// The HTTP address.
    pub addr: SocketAddr,
    /// The WebSocket echo address.
    pub ws_addr: SocketAddr,
    received: Arc<Mutex<Vec<String>>>,
}

impl Upstream {
    /// Starts the upstream on free loopback ports.
    pub async fn start() -> Upstream {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind upstream");
        let addr = listener.local_addr().expect("addr");
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                        if let Ok(mut log) = log.lock() {
                            log.push(req.uri().to_string());
                        }
                        handle(req)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .with_upgrades()
                        .await;
                });
            }
        });
        let ws = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind ws");
        let ws_addr = ws.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((stream, _)) = ws.accept().await {
                tokio::spawn(async move {
                    let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
                        return;
                    };
                    while let Some(Ok(msg)) = socket.next().await {
                        if (msg.is_text() || msg.is_binary()) && socket.send(msg).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        Upstream {
            addr,
            ws_addr,
            received,
        }
    }

    /// The request target (path and query) of every HTTP request received so far, in order.
    pub fn received(&self) -> Vec<String> {
        self.received.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Starts an HTTPS-only upstream on a free port with the given certificate files; returns
    /// its port. Serves the same routes as [`Upstream::start`].
    pub async fn start_tls(cert: &certs::CertSource) -> u16 {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert.cert)
            .expect("cert file")
            .filter_map(Result::ok)
            .collect();
        let key = PrivateKeyDer::from_pem_file(&cert.key).expect("key file");
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server config");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind tls upstream");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let io = hyper_util::rt::TokioIo::new(tls);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, hyper::service::service_fn(handle))
                        .await;
                });
            }
        });
        port
    }

    /// `http://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:<ws port>`
    pub fn ws_url(&self) -> String {
        format!("http://{}", self.ws_addr)
    }
}

type Body = BoxBody<Bytes, std::io::Error>;

fn full(text: impl Into<Bytes>) -> Body {
    Full::new(text.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

fn query_number(req: &Request<Incoming>, key: &str) -> u64 {
    req.uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn handle(req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_string();
    let response = match path.as_str() {
        "/download" => {
            let total = query_number(&req, "bytes");
            let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
            let stream = futures_util::stream::unfold(total, move |left| {
                let chunk = chunk.clone();
                async move {
                    if left == 0 {
                        return None;
                    }
                    let n = left.min(chunk.len() as u64);
                    Some((
                        Ok::<_, std::io::Error>(Frame::data(chunk.slice(..n as usize))),
                        left - n,
                    ))
                }
            });
            Response::builder()
                .header("content-length", total.to_string())
                .body(BodyExt::boxed(StreamBody::new(stream)))
        }
        "/upload" => {
            let mut body = req.into_body();
            let mut total: u64 = 0;
            let mut checksum: u64 = 0;
            while let Some(frame) = body.frame().await {
                let Ok(frame) = frame else { break };
                if let Some(data) = frame.data_ref() {
                    total += data.len() as u64;
                    checksum = data.iter().fold(checksum, |acc, b| {
                        acc.wrapping_mul(31).wrapping_add(*b as u64)
                    });
                }
            }
            Response::builder().body(full(format!(
                "{{\"bytes\":{total},\"checksum\":{checksum}}}"
            )))
        }
        "/set-cookies" => {
            let url = reqwest::Url::parse(&format!("http://x{}", req.uri())).expect("uri");
            let mut response = Response::builder();
            for (k, v) in url.query_pairs() {
                if k == "c" {
                    response = response.header("set-cookie", v.as_ref());
                }
            }
            response.body(full("cookies set"))
        }
        "/redirect" => {
            let url = reqwest::Url::parse(&format!("http://x{}", req.uri())).expect("uri");
            let to = url
                .query_pairs()
                .find_map(|(k, v)| (k == "to").then(|| v.into_owned()))
                .unwrap_or_default();
            Response::builder()
                .status(302)
                .header("location", to)
                .body(full("redirecting"))
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_millis(query_number(&req, "ms"))).await;
            Response::builder().body(full("slow done"))
        }
        _ => {
            let mut headers = serde_json::Map::new();
            for (name, value) in req.headers() {
                let entry = headers
                    .entry(name.as_str().to_string())
                    .or_insert_with(|| serde_json::json!([]));
                if let Some(list) = entry.as_array_mut() {
                    list.push(serde_json::Value::from(
                        value.to_str().unwrap_or("(binary)"),
                    ));
                }
            }
            let echo = serde_json::json!({
                "method": req.method().as_str(),
                "path": path,
                "query": req.uri().query(),
                "headers": headers,
            });
            Response::builder()
                .header("content-type", "application/json")
                .body(full(echo.to_string()))
        }
    };
    Ok(response.unwrap_or_else(|_| Response::new(full("bad response"))))
}
