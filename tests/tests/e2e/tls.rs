//! TLS on the real listener: certificate files chosen by SNI (exact, wildcard, default, none),
//! dev-CA certificates for uncovered hosts, and certificate reload without restart.

use std::time::{Duration, Instant};

use certs::DevCa;
use e2e::{raw_https_request, GatewayBuilder, Upstream};

use crate::support::{acme_rbac, host};

/// A CA of the test's own, with certificates issued into the config directory.
fn files_ca(builder: &GatewayBuilder) -> DevCa {
    DevCa::load_or_create(&builder.dir().join("test-ca")).unwrap()
}

fn cert_entry(source: &certs::CertSource) -> String {
    format!(
        "[[tls.certificates]]\ncert = \"{}\"\nkey = \"{}\"\n",
        source.cert.display(),
        source.key.display()
    )
}

async fn served_cert(ca_pem: &str, port: u16, sni: Option<&str>, verify_name: &str) -> Vec<u8> {
    let request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    raw_https_request(ca_pem, port, sni, verify_name, request)
        .await
        .expect("handshake")
        .0
}

fn der_of(source: &certs::CertSource) -> Vec<u8> {
    let loaded = certs::load_pair(source).unwrap();
    loaded.leaf_der().unwrap().to_vec()
}

#[tokio::test]
async fn certificates_are_chosen_by_sni_exact_then_wildcard_then_default() {
    let upstream = Upstream::start().await;
    let builder = GatewayBuilder::new()
        .rbac("acme", &acme_rbac(&upstream))
        .extra("[dev_idp]\nenabled = true");
    let ca = files_ca(&builder);
    let dir = builder.dir().to_path_buf();
    let exact = ca
        .issue_to_files(&[host("app")], &dir.join("exact"))
        .unwrap();
    let wildcard = ca
        .issue_to_files(&["*.acme.test.localhost".to_string()], &dir.join("wild"))
        .unwrap();
    let fallback = ca
        .issue_to_files(&["fallback.example".to_string()], &dir.join("default"))
        .unwrap();
    let entries = format!(
        "{}{}{}",
        cert_entry(&exact),
        cert_entry(&wildcard),
        cert_entry(&fallback)
    );
    let gw = builder
        .tls(&format!(
            "default_certificate = \"{}\"",
            fallback.cert.display()
        ))
        .extra(&entries)
        .start();
    let ca_pem = ca.ca_pem().to_string();
    let port = gw.https_port();

    assert_eq!(
        served_cert(&ca_pem, port, Some(&host("app")), "").await,
        der_of(&exact)
    );
    assert_eq!(
        served_cert(&ca_pem, port, Some(&host("other")), "").await,
        der_of(&wildcard)
    );
    assert_eq!(
        served_cert(&ca_pem, port, Some("APP.acme.test.localhost"), "").await,
        der_of(&exact)
    );
    assert_eq!(
        served_cert(&ca_pem, port, None, "fallback.example").await,
        der_of(&fallback),
        "no SNI: default"
    );
    let request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let unknown = raw_https_request(&ca_pem, port, Some("unknown.example"), "", request).await;
    let error = match unknown {
        Ok(_) => panic!("the default certificate does not name unknown.example"),
        Err(e) => e.to_string(),
    };
    assert!(
        error.contains("not valid for name"),
        "a certificate (the default) should be served: {error}"
    );
}

#[tokio::test]
async fn certificate_files_reload_on_change_and_on_sighup() {
    let upstream = Upstream::start().await;
    let builder = GatewayBuilder::new()
        .rbac("acme", &acme_rbac(&upstream))
        .extra("[dev_idp]\nenabled = true");
    let ca = files_ca(&builder);
    let dir = builder.dir().to_path_buf();
    let first = ca
        .issue_to_files(&[host("app")], &dir.join("live"))
        .unwrap();
    let gw = builder.extra(&cert_entry(&first)).start();
    let ca_pem = ca.ca_pem().to_string();
    let old = served_cert(&ca_pem, gw.https_port(), Some(&host("app")), "").await;
    assert_eq!(old, der_of(&first));

    // Replace the files in place (a renewal): new connections get the new certificate.
    let staged = ca
        .issue_to_files(&[host("app")], &dir.join("staged"))
        .unwrap();
    std::fs::copy(&staged.key, &first.key).unwrap();
    std::fs::copy(&staged.cert, &first.cert).unwrap();
    let renewed = der_of(&first);
    assert_ne!(renewed, old);
    let start = Instant::now();
    while served_cert(&ca_pem, gw.https_port(), Some(&host("app")), "").await != renewed {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "certificate not reloaded after file change"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // SIGHUP also reloads.
    let again = ca
        .issue_to_files(&[host("app")], &dir.join("again"))
        .unwrap();
    std::fs::copy(&again.key, &first.key).unwrap();
    std::fs::copy(&again.cert, &first.cert).unwrap();
    gw.signal(libc::SIGHUP);
    let latest = der_of(&first);
    let start = Instant::now();
    while served_cert(&ca_pem, gw.https_port(), Some(&host("app")), "").await != latest {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "certificate not reloaded after SIGHUP"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn dev_ca_covers_every_site_host_and_is_exported() {
    let upstream = Upstream::start().await;
    let gw = crate::support::acme(&upstream).start();
    let exported = std::process::Command::new(e2e::sitegate_bin())
        .args(["ca", "export", "--config"])
        .arg(gw.config_path())
        .output()
        .unwrap();
    assert!(exported.status.success());
    let pem = String::from_utf8(exported.stdout).unwrap();
    assert_eq!(pem, gw.ca_pem());
    for site in ["app", "other", "team"] {
        let cert = served_cert(&pem, gw.https_port(), Some(&host(site)), "").await;
        assert!(
            !cert.is_empty(),
            "{site} should be served a dev CA certificate that verifies"
        );
    }
}
