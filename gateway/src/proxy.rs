//! The pingora `ProxyHttp` implementation: each phase is a few lines that call the module
//! that owns the work (`admit`, `routing`, `signin_glue`, `access`, `respond`, `upstream`,
//! `worker`, `access_log`).

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use pingora_core::upstreams::peer::HttpPeer;
use pingora_error::{Error, ErrorType, Result};
use pingora_http::{RequestHeader, ResponseHeader};
use pingora_proxy::{FailToProxy, ProxyHttp, Session};
use policy::{Backend, NormalizedPath, Site};

use crate::config::HttpMode;
use crate::head_deadline;
use crate::outcome::{Failure, Outcome};
use crate::request::RequestCtx;
use crate::respond::Answer;
use crate::routing::{self, Target};
use crate::signin::SignIn;
use crate::snapshot::{Snapshot, Store};
use crate::tokens::TokenIndex;
use crate::worker_backend::Workers;
use crate::{access, access_log, admit, metrics, respond, signin_glue, upstream, websocket};

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
        match self.judge(session, ctx, &snapshot).await {
            Ok(site) => self.backend(session, ctx, &snapshot, &site).await,
            Err(answer) => respond::answer(session, ctx, answer).await,
        }
    }

    async fn request_body_filter(
        &self,
        _session: &mut Session,
        body: &mut Option<Bytes>,
        end_of_stream: bool,
        ctx: &mut RequestCtx,
    ) -> Result<()> {
        upstream::end_body_once(body, end_of_stream);
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
        // The backend's cookies are filtered first: the refreshed session cookie is the
        // gateway's own and must not be taken for a backend's.
        respond::backend_head(resp, ctx)?;
        if let Some(cookie) = ctx.take_refreshed_cookie() {
            resp.append_header("set-cookie", cookie)?;
        }
        Ok(())
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

impl Gateway {
    /// The steps before the backend: admit, route, sign-in endpoints, access. The first that
    /// answers the request itself ends them; an allowed request comes out with its site.
    async fn judge(
        &self,
        session: &mut Session,
        ctx: &mut RequestCtx,
        snapshot: &Snapshot,
    ) -> Result<Arc<Site>, Answer> {
        admit::request(session, ctx)?;
        let (site, path) = self.route(session, ctx, snapshot).await?;
        signin_glue::site_endpoints(session, ctx, &self.signin, &site, &path).await?;
        access::check(session, &site, &path, &self.signin, &self.tokens, ctx)?;
        let port = snapshot.config.listen.public_https_port;
        websocket::check_origin(session.req_header(), &site, ctx, port)?;
        Ok(site)
    }

    /// Routes the request by its host: the sign-in host answers it, a plain-HTTP request is
    /// sent to HTTPS when so configured, and a site's request is admitted to the site.
    async fn route(
        &self,
        session: &mut Session,
        ctx: &mut RequestCtx,
        snapshot: &Snapshot,
    ) -> Result<(Arc<Site>, NormalizedPath), Answer> {
        let sni = routing::sni(session);
        let target = routing::route(snapshot, ctx.host(), sni, self.signin.host())?;
        let listen = &snapshot.config.listen;
        if !ctx.tls() && listen.http_mode == HttpMode::Redirect {
            return Err(Answer::HttpsRedirect(listen.public_https_port));
        }
        match target {
            Target::Site(site) => admit::to_site(session, ctx, site),
            Target::SignIn => Err(signin_glue::host(session, ctx, &self.signin, snapshot).await),
        }
    }

    /// Hands an allowed request to its site's backend: pingora proxies it to an upstream, or
    /// the site's worker answers it.
    async fn backend(
        &self,
        session: &mut Session,
        ctx: &mut RequestCtx,
        snapshot: &Snapshot,
        site: &Site,
    ) -> Result<bool> {
        match &site.backend {
            Backend::Upstream(_) => {
                ctx.handled(Outcome::Proxied);
                Ok(false)
            }
            Backend::Worker(_) => {
                let version = snapshot.workers.for_site(site);
                let port = snapshot.config.listen.public_https_port;
                self.workers.serve(session, ctx, version, port).await
            }
        }
    }
}
