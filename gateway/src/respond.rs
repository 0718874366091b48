//! Every response the gateway writes itself: error pages (HTML for browsers, JSON for API
//! callers) and redirects. Each sets `Content-Length` and `Cache-Control: no-store`, and
//! returns `Ok(true)` so a `request_filter` can `return respond::…(…).await`.

use bytes::Bytes;
use pingora_error::Result;
use pingora_http::ResponseHeader;
use pingora_proxy::Session;

use crate::html;

/// A gateway-written error: its status, a short title and a sentence for the visitor.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// Machine-readable code for JSON callers.
    pub code: &'static str,
    /// Page heading.
    pub title: &'static str,
    /// What happened, in plain words, with no internal detail.
    pub message: &'static str,
}

/// Unknown hostname.
pub const NOT_FOUND: Page = Page {
    status: 404,
    code: "site_not_found",
    title: "Site not found",
    message: "No site is served at this address. Check the link, or ask whoever sent it.",
};
/// SNI named one site, Host another.
pub const MISDIRECTED: Page = Page {
    status: 421,
    code: "misdirected_request",
    title: "Misdirected request",
    message:
        "This connection was opened for a different site. Open the address again in a new tab.",
};
/// Body over the limit.
pub const TOO_LARGE: Page = Page {
    status: 413,
    code: "request_too_large",
    title: "Request too large",
    message: "The request body is larger than this site accepts.",
};
/// Header block over the limit.
pub const HEADERS_TOO_LARGE: Page = Page {
    status: 431,
    code: "headers_too_large",
    title: "Request headers too large",
    message: "The request carried more header data than this gateway accepts. Clearing this site's cookies may help.",
};
/// Malformed or refused request (e.g. an encoded slash in the path).
pub const BAD_REQUEST: Page = Page {
    status: 400,
    code: "bad_request",
    title: "Bad request",
    message: "The request could not be understood.",
};
/// Client too slow sending the body.
pub const TIMEOUT: Page = Page {
    status: 408,
    code: "request_timeout",
    title: "Request timeout",
    message: "The request took too long to arrive.",
};
/// Upstream refused or failed.
pub const BAD_GATEWAY: Page = Page {
    status: 502,
    code: "bad_gateway",
    title: "Site unavailable",
    message: "The site's server could not be reached. Try again in a moment.",
};
/// Upstream too slow.
pub const GATEWAY_TIMEOUT: Page = Page {
    status: 504,
    code: "gateway_timeout",
    title: "Site timed out",
    message: "The site's server took too long to answer. Try again in a moment.",
};
/// A bug or unexpected failure in the gateway.
pub const INTERNAL: Page = Page {
    status: 500,
    code: "internal_error",
    title: "Something went wrong",
    message: "The gateway failed to handle this request.",
};
/// A bearer token that is unknown, expired or revoked.
pub const INVALID_TOKEN: Page = Page {
    status: 401,
    code: "invalid_token",
    title: "Invalid token",
    message: "The access token is not valid: it is unknown, expired or revoked.",
};
/// Signed in, but not allowed.
pub const FORBIDDEN: Page = Page {
    status: 403,
    code: "access_denied",
    title: "Access denied",
    message: "You do not have access to this site. Ask one of its admins for access.",
};
/// The backend kind is not served by this gateway build.
pub const BACKEND_UNAVAILABLE: Page = Page {
    status: 503,
    code: "backend_unavailable",
    title: "Site not available",
    message: "This site's backend is not available on this gateway.",
};

/// The site's worker threw or failed to answer.
pub const WORKER_ERROR: Page = Page {
    status: 500,
    code: "worker_error",
    title: "Site error",
    message: "This site's code failed while handling the request. Its owners can find the details in the gateway's log under the request id.",
};
/// The site's worker went over its CPU or memory limit.
pub const WORKER_LIMIT: Page = Page {
    status: 503,
    code: "worker_limit",
    title: "Site over its limits",
    message: "This site's code used more than its share of CPU time or memory and was stopped. Try again shortly.",
};

/// Writes `page` (JSON when the client asked for JSON, else HTML), tagged with `request_id`.
pub async fn page(
    session: &mut Session,
    page: Page,
    request_id: &str,
    detail: Option<&str>,
) -> Result<bool> {
    page_with_link(session, page, request_id, detail, None).await
}

/// Like [`page`], with a link (`href`, text) under the detail (paragraphs split at blank
/// lines) on the HTML page.
pub async fn page_with_link(
    session: &mut Session,
    page: Page,
    request_id: &str,
    detail: Option<&str>,
    link: Option<(&str, &str)>,
) -> Result<bool> {
    let (body, content_type) = if wants_json(session) {
        (json_body(page, request_id, detail), "application/json")
    } else {
        (
            html_body(page, request_id, detail, link),
            "text/html; charset=utf-8",
        )
    };
    let mut header = ResponseHeader::build(page.status, Some(4))?;
    header.insert_header("content-type", content_type)?;
    write(session, header, Bytes::from(body), request_id).await
}

/// A permanent redirect (308) that keeps the method and body.
pub async fn redirect(session: &mut Session, location: &str, request_id: &str) -> Result<bool> {
    let mut header = ResponseHeader::build(308, Some(4))?;
    header.insert_header("location", location)?;
    header.insert_header("content-type", "text/plain; charset=utf-8")?;
    write(
        session,
        header,
        Bytes::from_static(b"Redirecting to HTTPS\n"),
        request_id,
    )
    .await
}

/// Writes a sign-in endpoint's reply (never cached: it may carry cookies and one-time values).
pub async fn reply(
    session: &mut Session,
    reply: crate::signin::reply::Reply,
    request_id: &str,
) -> Result<bool> {
    let mut header = ResponseHeader::build(reply.status, Some(4 + reply.cookies.len()))?;
    if let Some(location) = &reply.location {
        header.insert_header("location", location.as_str())?;
    }
    for cookie in reply.cookies {
        header.append_header("set-cookie", cookie)?;
    }
    header.insert_header("referrer-policy", "no-referrer")?;
    let body = match reply.body {
        Some((content_type, body)) => {
            header.insert_header("content-type", content_type)?;
            Bytes::from(body)
        }
        None => Bytes::new(),
    };
    write(session, header, body, request_id).await
}

async fn write(
    session: &mut Session,
    mut header: ResponseHeader,
    body: Bytes,
    request_id: &str,
) -> Result<bool> {
    header.insert_header("content-length", body.len().to_string())?;
    header.insert_header("cache-control", "private, no-store")?;
    header.insert_header(crate::request_id::HEADER, request_id)?;
    let head_only = session.req_header().method == http::Method::HEAD;
    session
        .write_response_header(Box::new(header), head_only)
        .await?;
    if !head_only {
        session.write_response_body(Some(body), true).await?;
    }
    Ok(true)
}

/// Whether the client prefers JSON (an API call rather than a browser navigation).
fn wants_json(session: &Session) -> bool {
    session
        .req_header()
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"))
}

fn json_body(page: Page, request_id: &str, detail: Option<&str>) -> Vec<u8> {
    let mut value = serde_json::json!({
        "error": page.code,
        "message": page.message,
        "request_id": request_id,
    });
    if let Some(detail) = detail {
        value["detail"] = serde_json::Value::from(detail);
    }
    let mut body = value.to_string().into_bytes();
    body.push(b'\n');
    body
}

fn html_body(
    page: Page,
    request_id: &str,
    detail: Option<&str>,
    link: Option<(&str, &str)>,
) -> Vec<u8> {
    let mut detail = detail
        .map(|d| {
            d.split("\n\n")
                .map(|p| format!("<p>{}</p>", html::escape(p)))
                .collect::<String>()
        })
        .unwrap_or_default();
    if let Some((href, text)) = link {
        detail.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            html::escape(href),
            html::escape(text)
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{status} {title}</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}}\
small{{color:#555}}</style></head>\
<body><main><h1>{title}</h1><p>{message}</p>{detail}<p><small>Error {status} · request id {id}</small></p></main></body></html>\n",
        status = page.status,
        title = page.title,
        message = page.message,
        id = html::escape(request_id),
    )
    .into_bytes()
}
