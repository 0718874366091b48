//! The pingora `ProxyHttp` implementation: each phase is a few lines that call the module
//! that owns the work (`routing`, `access`, `respond`, `upstream`, `access_log`).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use bytes::Bytes;
use pingora_core::upstreams::peer::HttpPeer;
use pingora_error::{Error, ErrorType, Result};
use pingora_http::{RequestHeader, ResponseHeader};
use pingora_proxy::{FailToProxy, ProxyHttp, Session};
use policy::{Backend, Site};

use crate::access::Verdict;
use crate::config::HttpMode;
use crate::head_deadline;
use crate::respond::Page;
use crate::routing::{self, Target};
use crate::signin::SignIn;
use crate::snapshot::{Snapshot, Store};
use crate::tokens::TokenIndex;
use crate::worker::Workers;
use crate::{
    access, access_log, errors, headers, metrics, request_id, respond, signin_glue, upstream,
};

/// The gateway's proxy logic, shared by every connection.
pub struct Gateway {
    store: Arc<Store>,
    signin: Arc<SignIn>,
    tokens: Arc<TokenIndex>,
    workers: Arc<Workers>,
}

impl Gateway {
    /// A gateway serving from `store`, signing people in with `signin`, accepting `tokens`,
    /// running worker sites on `workers`.
    pub fn new(
        store: Arc<Store>,
        signin: Arc<SignIn>,
        tokens: Arc<TokenIndex>,
        workers: Arc<Workers>,
    ) -> Self {
        Gateway {
            store,
            signin,
            tokens,
            workers,
        }
    }
}

/// Per-request state.
pub struct RequestCtx {
    /// When the request headers were read.
    pub started: Instant,
    /// The request id (echoed in `X-Request-Id`).
    pub request_id: String,
    /// The snapshot this request was judged with, taken once.
    pub snapshot: Option<Arc<Snapshot>>,
    /// The site, once routed.
    pub site: Option<Arc<Site>>,
    /// The hostname asked for.
    pub host: Option<String>,
    /// The client's address.
    pub client_ip: Option<IpAddr>,
    /// Whether the TCP peer is a trusted proxy.
    pub peer_trusted: bool,
    /// Whether the request arrived over TLS.
    pub tls: bool,
    /// How the gateway handled the request, for the access line.
    pub outcome: &'static str,
    /// Request body bytes seen so far.
    pub body_bytes: u64,
    /// The body limit for this request.
    pub body_limit: u64,
    /// The site session cookie with a moved idle deadline, to send back.
    pub refreshed_cookie: Option<String>,
    /// Why access was denied, for the log.
    pub deny_reason: Option<String>,
    /// A Sitegate bearer token the request presented.
    pub bearer: Option<String>,
}

impl RequestCtx {
    /// Fills in what every request needs first: the snapshot (taken once), the client and
    /// whether it is a trusted proxy, the request id, host and scheme; applies the timeouts
    /// (the head's is over: it has been read).
    fn begin(&mut self, session: &mut Session, snapshot: &Arc<Snapshot>) {
        self.started = Instant::now();
        self.client_ip = session
            .client_addr()
            .and_then(|a| a.as_inet())
            .map(|a| a.ip());
        self.peer_trusted = self
            .client_ip
            .is_some_and(|ip| snapshot.config.is_trusted_proxy(ip));
        self.request_id = request_id::for_request(session.req_header(), self.peer_trusted);
        self.snapshot = Some(snapshot.clone());
        self.host = routing::request_host(session);
        self.tls = routing::is_tls(session);
        let limits = &snapshot.config.limits;
        session.set_read_timeout(Some(limits.body_read_timeout));
        session.set_keepalive(Some(limits.idle_timeout.as_secs().max(1)));
        head_deadline::head_read(session);
    }
}

impl RequestCtx {
    /// What the backend is told about the client and the request.
    pub fn forwarding(&self) -> upstream::Forwarding<'_> {
        upstream::Forwarding {
            client_ip: self.client_ip,
            peer_trusted: self.peer_trusted,
            proto: if self.tls { "https" } else { "http" },
            host: self.host.as_deref().unwrap_or_default(),
            request_id: &self.request_id,
        }
    }
}

/// Answers with one of the gateway's pages, recording how the request was handled.
async fn answer(
    session: &mut Session,
    ctx: &mut RequestCtx,
    outcome: &'static str,
    page: Page,
) -> Result<bool> {
    ctx.outcome = outcome;
    respond::page(session, page, &ctx.request_id, None).await
}

/// Where "sign in as someone else" goes: the site's sign-out, which ends the sign-in host's
/// session too, so the next visit asks who you are.
const SIGN_IN_AGAIN: &str = "/.sitegate/logout";

#[async_trait]
impl ProxyHttp for Gateway {
    type CTX = RequestCtx;

    fn new_ctx(&self) -> RequestCtx {
        RequestCtx {
            started: Instant::now(),
            request_id: String::new(),
            snapshot: None,
            site: None,
            host: None,
            client_ip: None,
            peer_trusted: false,
            tls: false,
            outcome: "",
            body_bytes: 0,
            body_limit: u64::MAX,
            refreshed_cookie: None,
            deny_reason: None,
            bearer: None,
        }
    }

    async fn request_filter(&self, session: &mut Session, ctx: &mut RequestCtx) -> Result<bool> {
        let snapshot = self.store.load();
        ctx.begin(session, &snapshot);
        let limits = &snapshot.config.limits;
        if header_bytes(session.req_header()) > limits.max_request_header_bytes {
            return answer(
                session,
                ctx,
                "headers_too_large",
                respond::HEADERS_TOO_LARGE,
            )
            .await;
        }
        ctx.bearer = headers::take_bearer(session.req_header_mut());
        headers::strip_identity(session.req_header_mut())?;
        let (host, sni) = (ctx.host.as_deref(), routing::sni(session));
        let target = match routing::route(&snapshot, host, sni, self.signin.host()) {
            Ok(target) => target,
            Err(refusal) => return answer(session, ctx, refusal.outcome, refusal.page).await,
        };
        if !ctx.tls && snapshot.config.listen.http_mode == HttpMode::Redirect {
            ctx.outcome = "https_redirect";
            return redirect_to_https(session, ctx, snapshot.config.listen.public_https_port).await;
        }
        let site = match target {
            Target::Site(site) => site,
            Target::SignIn => {
                ctx.outcome = "signin_host";
                let reply = signin_glue::host(session, ctx, &self.signin, &snapshot).await?;
                return respond::reply(session, reply, &ctx.request_id).await;
            }
        };
        ctx.body_limit = site.max_body_bytes.unwrap_or(limits.max_body_bytes);
        ctx.site = Some(site.clone());
        if declared_length(session.req_header()).is_some_and(|len| len > ctx.body_limit) {
            return answer(session, ctx, "body_too_large", respond::TOO_LARGE).await;
        }
        let Ok(path) = policy::normalize_path(session.req_header().uri.path()) else {
            return answer(session, ctx, "bad_path", respond::BAD_REQUEST).await;
        };
        if SignIn::is_endpoint(&site, path.as_str()) {
            ctx.outcome = "signin_endpoint";
            let reply = signin_glue::site(session, ctx, &self.signin, &site, path.as_str()).await?;
            return respond::reply(session, reply, &ctx.request_id).await;
        }
        match access::check(session, &site, &path, &self.signin, &self.tokens, ctx)? {
            Verdict::Allow => {}
            Verdict::Page(page) => {
                return respond::page(session, page, &ctx.request_id, None).await
            }
            Verdict::Denied(detail) => {
                let switch = Some((SIGN_IN_AGAIN, "Sign in as someone else"));
                return respond::page_with_link(
                    session,
                    respond::FORBIDDEN,
                    &ctx.request_id,
                    Some(&detail),
                    switch,
                )
                .await;
            }
            Verdict::Login(url) => {
                let reply = signin_glue::login(session, url);
                return respond::reply(session, reply, &ctx.request_id).await;
            }
        }
        match &site.backend {
            Backend::Upstream(_) => {
                ctx.outcome = "proxied";
                Ok(false)
            }
            Backend::Worker(_) => {
                let version = snapshot.workers.for_site(&site);
                let port = snapshot.config.listen.public_https_port;
                self.workers.serve(session, ctx, version, port).await
            }
        }
    }

    async fn request_body_filter(
        &self,
        _session: &mut Session,
        body: &mut Option<Bytes>,
        _end_of_stream: bool,
        ctx: &mut RequestCtx,
    ) -> Result<()> {
        ctx.body_bytes += body.as_ref().map_or(0, |b| b.len() as u64);
        if ctx.body_bytes > ctx.body_limit {
            ctx.outcome = "body_too_large";
            return Error::e_explain(
                ErrorType::HTTPStatus(413),
                "request body over the site's limit",
            );
        }
        Ok(())
    }

    async fn upstream_peer(
        &self,
        _session: &mut Session,
        ctx: &mut RequestCtx,
    ) -> Result<Box<HttpPeer>> {
        let (Some(snapshot), Some(site)) = (&ctx.snapshot, &ctx.site) else {
            return Error::e_explain(ErrorType::InternalError, "no site routed");
        };
        match &site.backend {
            Backend::Upstream(target) => upstream::peer(target, &snapshot.config.limits).await,
            Backend::Worker(_) => {
                Error::e_explain(ErrorType::InternalError, "worker sites are not proxied")
            }
        }
    }

    async fn upstream_request_filter(
        &self,
        _session: &mut Session,
        req: &mut RequestHeader,
        ctx: &mut RequestCtx,
    ) -> Result<()> {
        let Some(Backend::Upstream(target)) = ctx.site.as_ref().map(|s| &s.backend) else {
            return Ok(());
        };
        upstream::shape_request(req, target, &ctx.forwarding())
    }

    async fn response_filter(
        &self,
        _session: &mut Session,
        resp: &mut ResponseHeader,
        ctx: &mut RequestCtx,
    ) -> Result<()> {
        if let Some(host) = ctx.host.as_deref().filter(|_| ctx.site.is_some()) {
            let dropped = crate::cookies::filter_set_cookies(resp, host)?;
            if dropped > 0 {
                tracing::warn!(request_id = %ctx.request_id, dropped, "refused backend Set-Cookie naming the gateway's cookies or a wider Domain");
            }
        }
        if let Some(cookie) = ctx.refreshed_cookie.take() {
            resp.append_header("set-cookie", cookie)?;
        }
        resp.insert_header(request_id::HEADER, &ctx.request_id)
    }

    async fn fail_to_proxy(
        &self,
        session: &mut Session,
        e: &Error,
        ctx: &mut RequestCtx,
    ) -> FailToProxy {
        let page = errors::page_for(e);
        tracing::warn!(request_id = %ctx.request_id, error = %e, status = page.map_or(0, |p| p.status), "request failed");
        if let Some(page) = page {
            if respond::page(session, page, &ctx.request_id, None)
                .await
                .is_err()
            {
                tracing::debug!(request_id = %ctx.request_id, "could not send the error page: client gone or response started");
            }
        }
        FailToProxy {
            error_code: page.map_or(0, |p| p.status),
            can_reuse_downstream: false,
        }
    }

    async fn logging(&self, session: &mut Session, e: Option<&Error>, ctx: &mut RequestCtx) {
        head_deadline::next_request(session);
        let entry = access_log::Entry::new(session, e, ctx);
        metrics::record(&entry);
        entry.emit();
    }
}

async fn redirect_to_https(session: &mut Session, ctx: &RequestCtx, port: u16) -> Result<bool> {
    let Some(host) = ctx.host.as_deref() else {
        return respond::page(session, respond::BAD_REQUEST, &ctx.request_id, None).await;
    };
    let path = session
        .req_header()
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str());
    let location = format!("{}{path}", crate::origin::https(host, port));
    respond::redirect(session, &location, &ctx.request_id).await
}

/// Approximate size of the header block as sent: names, values and separators.
fn header_bytes(req: &RequestHeader) -> usize {
    req.headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

fn declared_length(req: &RequestHeader) -> Option<u64> {
    req.headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}
