//! Every response the gateway writes itself: the error page each failure gets, the redirect
//! or 401 for visitors who must sign in (JSON or HTML decided by one rule, `wants_json`),
//! redirects to HTTPS and the sign-in endpoints' replies (`Reply`; a sign-in, development IdP
//! or console failure's page from the one table in `signin_pages`), each with `Content-Length`
//! and `Cache-Control: no-store`; (`site`) the responses a site's static assets and worker made;
//! and (`admin`) the admin listener's. The proxy's return `Ok(true)` so a `request_filter`
//! can `return respond::…(…).await`.

pub mod admin;
mod pages;
mod reply;
mod signin_pages;
mod site;

use bytes::Bytes;
use pingora_error::{Error, Result};
use pingora_http::{RequestHeader, ResponseHeader};
use pingora_proxy::Session;

use crate::html;
use crate::outcome::{Failure, Outcome};
use crate::request::RequestCtx;
use pages::Page;
pub use reply::Reply;
pub use signin_pages::{signin_frame, SigninFailure, DEV_IDP_BANNER};
pub use site::{asset, backend_head, worker};

/// How a step of the gateway ends a request before its backend: with one of the gateway's
/// own answers, or with pingora's error (which `fail_to_proxy` then answers).
#[derive(Debug)]
pub enum Answer {
    /// The page for a failure.
    Fail(Failure),
    /// A signed-in person refused (403): who they are, why, whom to ask.
    Denied(String),
    /// Sign in first, at this URL.
    Login(String),
    /// The same URL over HTTPS, on this port.
    HttpsRedirect(u16),
    /// A sign-in host's, console's or sign-in endpoint's reply.
    Reply(Reply),
    /// An error for pingora to answer.
    Error(Box<Error>),
}

impl From<Box<Error>> for Answer {
    fn from(e: Box<Error>) -> Answer {
        Answer::Error(e)
    }
}

impl From<Failure> for Answer {
    fn from(failure: Failure) -> Answer {
        Answer::Fail(failure)
    }
}

/// Writes `answer`, recording how the request was handled.
pub async fn answer(session: &mut Session, ctx: &mut RequestCtx, answer: Answer) -> Result<bool> {
    match answer {
        Answer::Fail(failure) => fail(session, ctx, failure).await,
        Answer::Denied(detail) => denied(session, ctx, &detail).await,
        Answer::Login(url) => login(session, ctx, url).await,
        Answer::HttpsRedirect(port) => https_redirect(session, ctx, port).await,
        Answer::Reply(signin_reply) => reply(session, ctx, signin_reply).await,
        Answer::Error(e) => Err(e),
    }
}

/// Answers with the page for `failure`, recording it as how the request was handled.
pub async fn fail(session: &mut Session, ctx: &mut RequestCtx, failure: Failure) -> Result<bool> {
    ctx.handled(Outcome::Failed(failure));
    let page = pages::for_failure(failure);
    write_page(session, page, ctx.request_id(), None, None).await
}

/// Where "sign in as someone else" goes: the site's sign-out, which ends the sign-in host's
/// session too, so the next visit asks who you are.
const SIGN_IN_AGAIN: &str = "/.sitegate/logout";

/// Refuses a signed-in person (403), with `detail` (paragraphs split at blank lines: who
/// they are, why, whom to ask) and a link to sign in as someone else.
async fn denied(session: &mut Session, ctx: &mut RequestCtx, detail: &str) -> Result<bool> {
    ctx.handled(Outcome::Failed(Failure::Denied));
    let page = pages::for_failure(Failure::Denied);
    let link = Some((SIGN_IN_AGAIN, "Sign in as someone else"));
    write_page(session, page, ctx.request_id(), Some(detail), link).await
}

/// Answers a request that pingora failed to proxy with the page for `e`, logging it; the
/// status sent (0 when the client is gone and nothing could be).
pub async fn proxy_error(session: &mut Session, ctx: &RequestCtx, e: &Error) -> u16 {
    let page = pages::for_error(e);
    let status = page.map_or(0, |p| p.status);
    tracing::warn!(request_id = %ctx.request_id(), error = %e, status, "request failed");
    if let Some(page) = page {
        if write_page(session, page, ctx.request_id(), None, None)
            .await
            .is_err()
        {
            tracing::debug!(request_id = %ctx.request_id(), "could not send the error page: client gone or response started");
        }
    }
    status
}

/// A visitor who must sign in at `login_url`: browsers are redirected, API callers get 401
/// JSON.
async fn login(session: &mut Session, ctx: &mut RequestCtx, login_url: String) -> Result<bool> {
    ctx.handled(Outcome::LoginRequired);
    let answer = match wants_json(session.req_header()) {
        true => Reply::json(
            401,
            &serde_json::json!({ "error": "login_required", "message": "Sign in to use this site.", "login_url": login_url }),
        ),
        false => Reply::found(login_url),
    };
    reply(session, ctx, answer).await
}

/// Redirects a plain-HTTP request to the same URL on HTTPS `port`, with a permanent redirect
/// (308) that keeps the method and body.
async fn https_redirect(session: &mut Session, ctx: &mut RequestCtx, port: u16) -> Result<bool> {
    let Some(host) = ctx.host() else {
        return fail(session, ctx, Failure::NoHost).await;
    };
    let path = session
        .req_header()
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str());
    let location = format!("{}{path}", crate::origin::https(host, port));
    ctx.handled(Outcome::HttpsRedirect);
    let mut header = ResponseHeader::build(308, Some(4))?;
    header.insert_header("location", location)?;
    header.insert_header("content-type", "text/plain; charset=utf-8")?;
    let body = Bytes::from_static(b"Redirecting to HTTPS\n");
    write(session, header, body, ctx.request_id()).await
}

/// Writes `page` (JSON when the client asked for JSON, else HTML), tagged with `request_id`,
/// with `detail` and a `link` (`href`, text) under it on the HTML page.
async fn write_page(
    session: &mut Session,
    page: Page,
    request_id: &str,
    detail: Option<&str>,
    link: Option<(&str, &str)>,
) -> Result<bool> {
    let (body, content_type) = if wants_json(session.req_header()) {
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

/// Writes a sign-in endpoint's reply (never cached: it may carry cookies and one-time values).
async fn reply(session: &mut Session, ctx: &RequestCtx, reply: Reply) -> Result<bool> {
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
    write(session, header, body, ctx.request_id()).await
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

/// Whether the client is an API caller rather than a browser navigation, and so gets JSON
/// (error pages as JSON documents, a 401 instead of a redirect to sign in): it says so
/// (`X-Requested-With`, or a `Sec-Fetch-Mode` other than `navigate`), or it sends neither and
/// accepts JSON but not HTML.
fn wants_json(req: &RequestHeader) -> bool {
    let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
    if header("x-requested-with").is_some() {
        return true;
    }
    if let Some(mode) = header("sec-fetch-mode") {
        return !mode.eq_ignore_ascii_case("navigate");
    }
    header("accept").is_some_and(|a| a.contains("application/json") && !a.contains("text/html"))
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

#[cfg(test)]
mod tests;
