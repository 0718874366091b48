use std::path::Path;

use super::{Config, LogFormat, EMBEDDED_CONFIG};

fn parse(text: &str) -> Result<Config, Vec<String>> {
    Config::parse(Path::new("sitegate.toml"), text, Path::new("."), false)
        .map_err(|d| d.0.iter().map(|d| d.to_string()).collect())
}

const MINIMAL: &str = "base_domain = \"example.com\"\nrbac = []\n[listen]\nhttps = \"127.0.0.1:8443\"\n[tls]\ndev_ca = true\n";

#[test]
fn the_embedded_demo_config_is_valid() {
    let config = Config::embedded().unwrap();
    assert_eq!(config.listen.https.port(), 8443);
    assert!(config.tls.dev_ca && config.dev_idp);
    assert!(EMBEDDED_CONFIG.contains("[demo_backend]"));
}

#[test]
fn defaults_fill_in_what_is_omitted() {
    let config = parse(MINIMAL).unwrap();
    assert_eq!(config.limits.max_request_header_bytes, 64 * 1024);
    assert_eq!(config.listen.public_https_port, 8443);
    assert_eq!(config.log.format, LogFormat::Text);
    assert_eq!(config.state_dir, Path::new("./sitegate-data"));
}

#[test]
fn every_problem_is_reported_at_once_with_its_location() {
    let text = "base_domain = \"example.com\"\nrbac = []\n[listen]\nhttps = \"localhost:443\"\nadmin = \"127.0.0.1:nine\"\n\
[limits]\nidle_timeout = \"soon\"\n[log]\nformat = \"yaml\"\n";
    let errors = parse(text).unwrap_err();
    assert_eq!(errors.len(), 5, "{errors:#?}");
    assert!(
        errors[0]
            .starts_with("sitegate.toml:4:9: listen.https: \"localhost:443\" is not an address"),
        "{errors:#?}"
    );
    assert!(errors.iter().any(|e| e.contains("listen.admin")));
    assert!(errors
        .iter()
        .any(|e| e.contains("limits.idle_timeout") && e.contains("\"30s\"")));
    assert!(errors
        .iter()
        .any(|e| e.contains("log.format") && e.contains("expected one of text, json")));
    assert!(errors
        .iter()
        .any(|e| e.contains("tls: no certificates configured")));
}

#[test]
fn unknown_keys_are_errors() {
    let errors = parse(&format!("{MINIMAL}[limits]\nmax_body = 5\n")).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("limits.max_body"), "{errors:#?}");
}

#[test]
fn the_admin_listener_must_be_its_own_address() {
    let errors = parse(&MINIMAL.replace(
        "https = \"127.0.0.1:8443\"",
        "https = \"127.0.0.1:8443\"\nadmin = \"127.0.0.1:8443\"",
    ))
    .unwrap_err();
    assert!(
        errors[0].contains("listen.admin: must differ from the site listeners"),
        "{errors:#?}"
    );
}
