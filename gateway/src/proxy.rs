//! The pingora `ProxyHttp` implementation: each phase is a few lines that call the module
//! that owns the work (`routing`, `access`, `respond`, `upstream`, `access_log`).

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use pingora_core::upstreams::peer::HttpPeer;
use pingora_error::{Error, ErrorType, Result};
use pingora_http::{RequestHeader, ResponseHeader};
use pingora_proxy::{FailToProxy, ProxyHttp, Session};
use policy::Backend;

use crate::access::Verdict;
use crate::config::HttpMode;
use crate::outcome::{Failure, Outcome};
use crate::request::RequestCtx;
use crate::routing::{self, Target};
use crate::server::head_deadline;
use crate::signin::SignIn;
use crate::snapshot::Store;
use crate::tokens::TokenIndex;
use crate::worker::Workers;
use crate::{access, access_log, headers, metrics, request_id, respond, signin_glue, upstream};

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

#[async_trait]
impl ProxyHttp for Gateway {
    type CTX = RequestCtx;

    fn new_ctx(&self) -> RequestCtx {
        RequestCtx::default()
    }

    async fn request_filter(&self, session: &mut Session, ctx: &mut RequestCtx) -> Result<bool> {
        let snapshot = self.store.load();
        ctx.begin(session, &snapshot);
        let limits = &snapshot.config.limits;
        if header_bytes(session.req_header()) > limits.max_request_header_bytes {
            return respond::fail(session, ctx, Failure::HeadersTooLarge).await;
        }
        ctx.present_bearer(headers::take_bearer(session.req_header_mut()));
        headers::strip_identity(session.req_header_mut())?;
        let (host, sni) = (ctx.host(), routing::sni(session));
        let target = match routing::route(&snapshot, host, sni, self.signin.host()) {
            Ok(target) => target,
            Err(failure) => return respond::fail(session, ctx, failure).await,
        };
        if !ctx.tls() && snapshot.config.listen.http_mode == HttpMode::Redirect {
            let port = snapshot.config.listen.public_https_port;
            return respond::https_redirect(session, ctx, port).await;
        }
        let site = match target {
            Target::Site(site) => site,
            Target::SignIn => {
                ctx.handled(Outcome::SigninHost);
                let reply = signin_glue::host(session, ctx, &self.signin, &snapshot).await?;
                return respond::reply(session, ctx, reply).await;
            }
        };
        ctx.route_to(site.clone());
        if declared_length(session.req_header()).is_some_and(|len| len > ctx.body_limit()) {
            return respond::fail(session, ctx, Failure::BodyTooLarge).await;
        }
        let Ok(path) = policy::normalize_path(session.req_header().uri.path()) else {
            return respond::fail(session, ctx, Failure::BadPath).await;
        };
        if SignIn::is_endpoint(&site, path.as_str()) {
            ctx.handled(Outcome::SigninEndpoint);
            let reply = signin_glue::site(session, ctx, &self.signin, &site, path.as_str()).await?;
            return respond::reply(session, ctx, reply).await;
        }
        match access::check(session, &site, &path, &self.signin, &self.tokens, ctx)? {
            Verdict::Allow => {}
            Verdict::Fail(failure) => return respond::fail(session, ctx, failure).await,
            Verdict::Denied(detail) => return respond::denied(session, ctx, &detail).await,
            Verdict::Login(url) => {
                let reply = signin_glue::login(session, url);
                return respond::reply(session, ctx, reply).await;
            }
        }
        match &site.backend {
            Backend::Upstream(_) => {
                ctx.handled(Outcome::Proxied);
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
        if ctx.received(body.as_ref().map_or(0, Bytes::len)) {
            ctx.handled(Outcome::Failed(Failure::BodyTooLarge));
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
        let (Some(snapshot), Some(site)) = (ctx.snapshot(), ctx.site()) else {
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
        let Some(Backend::Upstream(target)) = ctx.site().map(|s| &s.backend) else {
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
        if let Some(host) = ctx.host().filter(|_| ctx.site().is_some()) {
            let dropped = headers::filter_set_cookies(resp, host)?;
            if dropped > 0 {
                tracing::warn!(request_id = %ctx.request_id(), dropped, "refused backend Set-Cookie naming the gateway's cookies or a wider Domain");
            }
        }
        if let Some(cookie) = ctx.take_refreshed_cookie() {
            resp.append_header("set-cookie", cookie)?;
        }
        resp.insert_header(request_id::HEADER, ctx.request_id())
    }

    async fn fail_to_proxy(
        &self,
        session: &mut Session,
        e: &Error,
        ctx: &mut RequestCtx,
    ) -> FailToProxy {
        FailToProxy {
            error_code: respond::proxy_error(session, ctx, e).await,
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
