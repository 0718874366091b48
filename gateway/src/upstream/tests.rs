use pingora_http::RequestHeader;
use policy::Upstream;

use super::{shape_request, Forwarding};

fn upstream(url: &str) -> Upstream {
    let url = url::Url::parse(url).unwrap();
    Upstream {
        tls: url.scheme() == "https",
        host: url.host_str().unwrap().to_string(),
        port: url.port_or_known_default().unwrap(),
        url,
    }
}

fn request(headers: &[(&str, &str)]) -> RequestHeader {
    let mut req = RequestHeader::build("GET", b"/x", None).unwrap();
    for (name, value) in headers {
        req.append_header(name.to_string(), *value).unwrap();
    }
    req
}

fn values(req: &RequestHeader, name: &str) -> Vec<String> {
    req.headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn forwarding(trusted: bool) -> Forwarding<'static> {
    Forwarding {
        client_ip: Some("192.0.2.7".parse().unwrap()),
        peer_trusted: trusted,
        proto: "https",
        host: "crm.example.com",
        request_id: "rid",
    }
}

#[test]
fn untrusted_forwarding_headers_are_replaced() {
    let mut req = request(&[
        ("x-forwarded-for", "203.0.113.1"),
        ("X-Forwarded-Proto", "http"),
        ("forwarded", "for=203.0.113.1"),
        ("x-real-ip", "203.0.113.1"),
    ]);
    shape_request(
        &mut req,
        &upstream("http://10.0.0.5:8080"),
        &forwarding(false),
    )
    .unwrap();
    assert_eq!(values(&req, "x-forwarded-for"), ["192.0.2.7"]);
    assert_eq!(values(&req, "x-forwarded-proto"), ["https"]);
    assert_eq!(values(&req, "x-forwarded-host"), ["crm.example.com"]);
    assert!(values(&req, "forwarded").is_empty());
    assert!(values(&req, "x-real-ip").is_empty());
    assert_eq!(values(&req, "host"), ["10.0.0.5:8080"]);
    assert_eq!(values(&req, "x-request-id"), ["rid"]);
}

#[test]
fn trusted_proxies_forwarding_headers_are_extended() {
    let mut req = request(&[
        ("x-forwarded-for", "203.0.113.1"),
        ("x-forwarded-for", "198.51.100.2"),
        ("x-forwarded-proto", "https"),
    ]);
    shape_request(
        &mut req,
        &upstream("https://backend.internal"),
        &forwarding(true),
    )
    .unwrap();
    assert_eq!(
        values(&req, "x-forwarded-for"),
        ["203.0.113.1, 198.51.100.2, 192.0.2.7"]
    );
    assert_eq!(values(&req, "host"), ["backend.internal"]);
}

#[test]
fn hop_by_hop_headers_are_removed_but_websocket_upgrades_kept() {
    let mut req = request(&[
        ("connection", "close, x-hop"),
        ("x-hop", "1"),
        ("keep-alive", "5"),
        ("te", "trailers"),
        ("x-end", "2"),
    ]);
    shape_request(
        &mut req,
        &upstream("http://127.0.0.1:1"),
        &forwarding(false),
    )
    .unwrap();
    for gone in ["connection", "x-hop", "keep-alive", "te"] {
        assert!(values(&req, gone).is_empty(), "{gone} should be removed");
    }
    assert_eq!(values(&req, "x-end"), ["2"]);

    let mut ws = request(&[("connection", "Upgrade"), ("upgrade", "websocket")]);
    shape_request(&mut ws, &upstream("http://127.0.0.1:1"), &forwarding(false)).unwrap();
    assert_eq!(values(&ws, "upgrade"), ["websocket"]);
    assert_eq!(values(&ws, "connection"), ["Upgrade"]);
}
