//! Glue between pingora sessions and the sign-in handlers: builds a `signin::Request` (reading
//! a small form body for POSTs) and dispatches it to the console or the sign-in host's
//! endpoints, or to a site host's sign-in endpoints, rate limited per client.

use pingora_error::{Error, ErrorType, Result};
use pingora_proxy::Session;
use policy::{NormalizedPath, Site};

use crate::console;
use crate::cookies;
use crate::outcome::Outcome;
use crate::request::RequestCtx;
use crate::respond::{Answer, Reply, SigninFailure};
use crate::signin::form::Form;
use crate::signin::{Request, SignIn};
use crate::snapshot::Snapshot;

/// Largest form body a sign-in endpoint reads.
const MAX_FORM_BYTES: usize = 64 * 1024;

async fn request<'a>(
    session: &'a mut Session,
    ctx: &'a RequestCtx,
) -> Result<(Request<'a>, String)> {
    let body = if session.req_header().method == http::Method::POST {
        read_form(session).await?
    } else {
        Form::default()
    };
    let req = session.req_header();
    let path = req.uri.path().to_string();
    let request = Request {
        method: req.method.as_str(),
        path: "",
        query: Form::parse(req.uri.query().unwrap_or("").as_bytes()),
        body,
        cookies: cookies::joined(req),
        authorization: req
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
        request_id: ctx.request_id(),
        cross_site: is_cross_site(req, ctx.host()),
        client: ctx.client_ip(),
        prefetch: is_prefetch(req),
    };
    Ok((request, path))
}

/// `Sec-Fetch-Site: cross-site`, or (unless it says `same-origin`) an `Origin` whose host is
/// not the request's.
fn is_cross_site(req: &pingora_http::RequestHeader, host: Option<&str>) -> bool {
    let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
    // Browsers set Sec-Fetch-Site themselves: `same-origin` is decisive even when the Origin
    // is `null` (as it is from a page served with `Referrer-Policy: no-referrer`).
    match header("sec-fetch-site")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("cross-site") => return true,
        Some("same-origin" | "none") => return false,
        _ => {}
    }
    match header("origin") {
        Some(origin) => {
            let origin_host = url::Url::parse(origin)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
            origin_host.as_deref() != host
        }
        None => false,
    }
}

/// A speculative prefetch by the browser or a framework's router.
fn is_prefetch(req: &pingora_http::RequestHeader) -> bool {
    let has = |name: &str, value: Option<&str>| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| value.is_none_or(|want| v.to_ascii_lowercase().contains(want)))
    };
    has("sec-purpose", Some("prefetch"))
        || has("purpose", Some("prefetch"))
        || has("next-router-prefetch", None)
        || has("x-middleware-prefetch", None)
}

async fn read_form(session: &mut Session) -> Result<Form> {
    let mut data = Vec::new();
    while let Some(chunk) = session.read_request_body().await? {
        data.extend_from_slice(&chunk);
        if data.len() > MAX_FORM_BYTES {
            return Error::e_explain(ErrorType::HTTPStatus(413), "sign-in form too large");
        }
    }
    Ok(Form::parse(&data))
}

/// The answer to a client over its sign-in rate limit (docs/security.md line 22).
fn too_many(ctx: &RequestCtx) -> Reply {
    Reply::fail(SigninFailure::TooManyAttempts, ctx.request_id())
}

/// Endpoints that servers, not browsers, call: key sets, discovery and the development IdP's
/// token endpoint (which this gateway itself calls). They start no sign-in and are not
/// rate limited per client.
fn is_machine_endpoint(path: &str) -> bool {
    path.starts_with("/.well-known/")
        || path.starts_with("/dev-idp/.well-known/")
        || path == "/dev-idp/jwks"
        || path == "/dev-idp/token"
}

/// Answers a request to the sign-in host: the console, or a sign-in endpoint.
pub async fn host(
    session: &mut Session,
    ctx: &mut RequestCtx,
    signin: &SignIn,
    snapshot: &Snapshot,
) -> Answer {
    ctx.handled(Outcome::SigninHost);
    let path = session.req_header().uri.path();
    // The console is not a sign-in endpoint: its pages need a session and change nothing
    // without one, so browsing it does not count against the sign-in rate limit.
    let console = console::serves(path);
    if !console && !is_machine_endpoint(path) && !signin.allow_client(ctx.client_ip()) {
        return Answer::Reply(too_many(ctx));
    }
    let (mut req, path) = match request(session, ctx).await {
        Ok(request) => request,
        Err(e) => return Answer::Error(e),
    };
    req.path = &path;
    Answer::Reply(match console {
        true => console::handle(signin, &req, snapshot).await,
        false => signin.handle_host(&req, snapshot).await,
    })
}

/// Answers a request to a sign-in endpoint on a site host (`/.sitegate/*`, and the Codex
/// Sites paths on sites with that contract); lets any other request go on.
pub async fn site_endpoints(
    session: &mut Session,
    ctx: &mut RequestCtx,
    signin: &SignIn,
    site: &Site,
    path: &NormalizedPath,
) -> Result<(), Answer> {
    if !SignIn::is_endpoint(site, path.as_str()) {
        return Ok(());
    }
    ctx.handled(Outcome::SigninEndpoint);
    let reply = match signin.allow_client(ctx.client_ip()) {
        true => {
            let (mut req, _) = request(session, ctx).await?;
            req.path = path.as_str();
            signin.handle_site(&req, site)
        }
        false => too_many(ctx),
    };
    Err(Answer::Reply(reply))
}
