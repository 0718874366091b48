use pingora_error::{Error, ErrorSource, ErrorType};

use super::pages::for_error;

fn status(source: ErrorSource, etype: ErrorType) -> Option<u16> {
    let mut e = Error::new(etype);
    e.esource = source;
    for_error(&e).map(|p| p.status)
}

#[test]
fn upstream_failures_map_to_502_and_timeouts_to_504() {
    assert_eq!(
        status(ErrorSource::Upstream, ErrorType::ConnectRefused),
        Some(502)
    );
    assert_eq!(
        status(ErrorSource::Upstream, ErrorType::ReadTimedout),
        Some(504)
    );
    assert_eq!(
        status(ErrorSource::Upstream, ErrorType::ConnectTimedout),
        Some(504)
    );
}

#[test]
fn gone_clients_get_nothing_and_slow_ones_408() {
    assert_eq!(
        status(ErrorSource::Downstream, ErrorType::ConnectionClosed),
        None
    );
    assert_eq!(
        status(ErrorSource::Downstream, ErrorType::ReadTimedout),
        Some(408)
    );
    assert_eq!(
        status(ErrorSource::Internal, ErrorType::HTTPStatus(413)),
        Some(413)
    );
}

fn asks_json(headers: &[(&'static str, &'static str)]) -> bool {
    let mut req = pingora_http::RequestHeader::build("GET", b"/", None).unwrap();
    for (name, value) in headers {
        req.insert_header(*name, *value).unwrap();
    }
    super::wants_json(&req)
}

#[test]
fn navigations_get_html_and_api_callers_json_by_one_rule() {
    assert!(!asks_json(&[]));
    assert!(!asks_json(&[
        ("sec-fetch-mode", "navigate"),
        ("accept", "application/json")
    ]));
    assert!(asks_json(&[("sec-fetch-mode", "cors"), ("accept", "*/*")]));
    assert!(asks_json(&[("x-requested-with", "XMLHttpRequest")]));
    assert!(asks_json(&[("accept", "application/json")]));
    assert!(!asks_json(&[("accept", "text/html, application/json")]));
}
