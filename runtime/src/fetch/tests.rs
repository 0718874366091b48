//! Tests of outbound `fetch` under a site's policy: host patterns, private networks, literal
//! and resolved addresses, redirects, and one client per policy, against a tiny HTTP server on
//! 127.0.0.1.

use std::net::SocketAddr;
use std::sync::Arc;

use ipnet::IpNet;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::outbound::client::client_for;
use crate::outbound::policy::{is_private, OutboundPolicy, Refusal};
use crate::{Isolate, Limits};

fn policy(hosts: Option<&[&str]>, private: &[&str]) -> OutboundPolicy {
    OutboundPolicy::new(
        hosts.map(|list| list.iter().map(|h| h.to_string()).collect()),
        private
            .iter()
            .map(|n| n.parse::<IpNet>().unwrap())
            .collect(),
    )
}

fn check(policy: &OutboundPolicy, url: &str) -> Result<(), Refusal> {
    policy.check(&url::Url::parse(url).unwrap())
}

#[test]
fn private_and_special_addresses_are_recognised() {
    for ip in [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fd00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
    ] {
        assert!(is_private(ip.parse().unwrap()), "{ip} is private");
    }
    for ip in [
        "93.184.216.34",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
    ] {
        assert!(!is_private(ip.parse().unwrap()), "{ip} is public");
    }
}

#[test]
fn without_patterns_any_host_is_allowed_and_private_literals_are_refused() {
    let open = OutboundPolicy::default();
    assert_eq!(check(&open, "https://api.example.com/x"), Ok(()));
    assert_eq!(check(&open, "http://93.184.216.34/"), Ok(()));
    for url in [
        "http://127.0.0.1:8080/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data",
        "http://0x7f.1/",
        "http://2130706433/",
    ] {
        assert!(
            matches!(check(&open, url), Err(Refusal::Address(_))),
            "{url} is refused"
        );
    }
}

#[test]
fn listed_private_networks_are_reachable_and_no_others() {
    let p = policy(None, &["10.1.2.0/24", "127.0.0.1/32"]);
    assert_eq!(check(&p, "http://10.1.2.200/"), Ok(()));
    assert_eq!(check(&p, "http://127.0.0.1:9/"), Ok(()));
    for url in ["http://10.1.3.1/", "http://127.0.0.2/", "http://[::1]/"] {
        assert!(matches!(check(&p, url), Err(Refusal::Address(_))), "{url}");
    }
}

#[test]
fn host_patterns_match_exact_names_wildcards_of_one_or_more_labels_and_addresses() {
    let p = policy(
        Some(&["API.example.com", "*.stripe.com", "[::1]", "127.0.0.1"]),
        &["::1/128", "127.0.0.1/32"],
    );
    for url in [
        "https://api.example.com/",
        "https://API.EXAMPLE.COM./v1",
        "https://api.stripe.com/",
        "https://a.b.stripe.com/",
        "http://[::1]:8080/",
        "http://127.0.0.1/",
    ] {
        assert_eq!(check(&p, url), Ok(()), "{url} is allowed");
    }
    for url in [
        "https://example.com/",
        "https://www.api.example.com/",
        "https://stripe.com/",
        "https://notstripe.com/",
        "https://stripe.com.evil.net/",
        "https://api.stripe.com.evil.net/",
        "http://127.0.0.2/",
        "http://localhost/",
    ] {
        assert!(
            matches!(check(&p, url), Err(Refusal::Host(_))),
            "{url} is refused"
        );
    }
    assert!(matches!(
        check(&policy(Some(&[]), &[]), "https://api.example.com/"),
        Err(Refusal::Host(_))
    ));
}

#[test]
fn equal_policies_share_a_client_and_different_ones_do_not() {
    let a = Arc::new(policy(None, &["10.1.2.0/24"]));
    let same = Arc::new(policy(None, &["10.1.2.0/24"]));
    let other = Arc::new(policy(None, &["10.9.0.0/16"]));
    let first = client_for(&a).unwrap();
    let again = client_for(&same).unwrap();
    let third = client_for(&other).unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    assert!(!Arc::ptr_eq(&first, &third));
    let unused = Arc::downgrade(&third);
    drop(third);
    assert!(unused.upgrade().is_none(), "an unused client is let go");
}

/// A one-route HTTP server on 127.0.0.1: `/redirect` answers 302 to the URL in the query,
/// anything else 200 "hello from <path>". One request per connection, which it says, so the
/// client never reuses a connection the server is closing. Serves until the test ends.
fn server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&head);
                    let target = head.split(' ').nth(1).unwrap_or("/").to_string();
                    let response = match target.strip_prefix("/redirect?") {
                        Some(to) => format!(
                            "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        ),
                        None => {
                            let body = format!("hello from {target}");
                            format!(
                                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                                body.len()
                            )
                        }
                    };
                    let _ = stream.write_all(response.as_bytes()).await;
                });
            }
        });
    });
    addr
}

/// What `fetch(url)` gives a worker under `policy`: the body, or the error's class and message.
fn fetch(policy: OutboundPolicy, url: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let js = Isolate::with_outbound(dir.path(), Limits::default(), Arc::new(policy)).unwrap();
    js.eval_async::<String>(&format!(
        "try {{ return await (await fetch({url:?})).text(); }} \
         catch (e) {{ return `${{e.constructor.name}}: ${{e.message}}`; }}"
    ))
    .unwrap()
}

#[test]
fn a_private_literal_address_is_refused_by_default() {
    let addr = server();
    let url = format!("http://{addr}/x");
    assert_eq!(
        fetch(OutboundPolicy::default(), &url),
        format!("TypeError: Fetch API cannot load {url}: private address 127.0.0.1 is not allowed by this site's outbound policy.")
    );
}

#[test]
fn a_name_resolving_to_a_private_address_is_refused_without_naming_it() {
    let addr = server();
    let url = format!("http://localhost:{}/x", addr.port());
    let got = fetch(OutboundPolicy::default(), &url);
    assert_eq!(
        got,
        format!("TypeError: Fetch API cannot load {url}: localhost resolves to a private address, which this site's outbound policy does not allow.")
    );
    assert!(!got.contains("127.0.0.1") && !got.contains("::1"), "{got}");
}

#[test]
fn a_listed_private_network_is_reached_by_address_and_by_name() {
    let addr = server();
    let allowed = || policy(None, &["127.0.0.1/32"]);
    assert_eq!(
        fetch(allowed(), &format!("http://{addr}/a")),
        "hello from /a"
    );
    assert_eq!(
        fetch(allowed(), &format!("http://localhost:{}/b", addr.port())),
        "hello from /b"
    );
}

#[test]
fn a_host_outside_the_patterns_is_refused_before_connecting() {
    let addr = server();
    let url = format!("http://localhost:{}/x", addr.port());
    assert_eq!(
        fetch(policy(Some(&["127.0.0.1"]), &["127.0.0.1/32"]), &url),
        format!("TypeError: Fetch API cannot load {url}: host localhost is not allowed by this site's outbound policy.")
    );
}

#[test]
fn every_redirect_hop_is_checked() {
    let addr = server();
    let allowed = || policy(Some(&["127.0.0.1"]), &["127.0.0.1/32"]);
    let hop = format!("http://{addr}/landed");
    assert_eq!(
        fetch(allowed(), &format!("http://{addr}/redirect?{hop}")),
        "hello from /landed"
    );
    let refused = format!("http://localhost:{}/landed", addr.port());
    assert_eq!(
        fetch(allowed(), &format!("http://{addr}/redirect?{refused}")),
        format!("TypeError: Fetch API cannot load {refused}: host localhost is not allowed by this site's outbound policy.")
    );
    let private = format!("http://10.0.0.1:{}/landed", addr.port());
    assert_eq!(
        fetch(policy(None, &["127.0.0.1/32"]), &format!("http://{addr}/redirect?{private}")),
        format!("TypeError: Fetch API cannot load {private}: private address 10.0.0.1 is not allowed by this site's outbound policy.")
    );
}
