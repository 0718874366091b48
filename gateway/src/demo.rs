//! The built-in demo backend: a small upstream that shows what the gateway forwarded, so the
//! embedded demo works with nothing else running. Listens on loopback only.

use async_trait::async_trait;
use http::Response;
use pingora_core::apps::http_app::ServeHttp;
use pingora_core::protocols::http::ServerSession;

use crate::html;

/// Answers every request with a page listing the request line and the headers the gateway
/// forwarded (`X-Forwarded-*`, `X-Request-Id`, and identity headers once sign-in is on).
pub struct DemoBackend;

#[async_trait]
impl ServeHttp for DemoBackend {
    async fn response(&self, session: &mut ServerSession) -> Response<Vec<u8>> {
        let req = session.req_header();
        let host = req
            .headers
            .get(http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        let mut rows = String::new();
        for (name, value) in req.headers.iter() {
            let name = name.as_str();
            if name.starts_with("x-forwarded-")
                || name.starts_with("sitegate-")
                || name == "x-request-id"
            {
                let value = value.to_str().unwrap_or("(not text)");
                rows.push_str(&format!(
                    "<tr><th>{}</th><td>{}</td></tr>",
                    html::escape(name),
                    html::escape(value)
                ));
            }
        }
        let body = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Sitegate demo site</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}}\
th{{text-align:left;padding-right:1rem;vertical-align:top;white-space:nowrap}}td{{word-break:break-all}}</style></head><body><main>\
<h1>Hello from the demo backend</h1>\
<p>Sitegate proxied <code>{method} {path}</code> for <code>{host}</code> to this built-in backend.</p>\
<h2>What the gateway forwarded</h2><table>{rows}</table></main></body></html>\n",
            method = html::escape(req.method.as_str()),
            path = html::escape(req.uri.path()),
            host = html::escape(host),
        )
        .into_bytes();
        let length = body.len();
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from(length),
        );
        response
    }
}
