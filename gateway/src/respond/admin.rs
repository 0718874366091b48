//! The admin listener's answers: JSON documents (an API call's result, or why it was
//! refused) and plain bodies (health, metrics), each with `Content-Length` and
//! `Cache-Control: no-store`.

use http::{header, HeaderValue, Response, StatusCode};
use serde_json::Value;

/// An API call's JSON result.
pub fn json(status: u16, value: &Value) -> Response<Vec<u8>> {
    let mut body = serde_json::to_vec_pretty(value).unwrap_or_default();
    body.push(b'\n');
    body_of(status, "application/json", body)
}

/// A refused API call: its status and `{"error": message}`.
pub fn refused((status, message): (u16, String)) -> Response<Vec<u8>> {
    json(status, &serde_json::json!({ "error": message }))
}

/// `body` as `content_type`.
pub fn body_of(status: u16, content_type: &'static str, body: Vec<u8>) -> Response<Vec<u8>> {
    let length = body.len();
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
