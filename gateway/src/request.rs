//! One request's state through pingora's phases (`RequestCtx`): the snapshot it is judged
//! with, who sent it, the site it was routed to, what it carried, and how the gateway handled
//! it (an [`Outcome`]).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use pingora_proxy::Session;
use policy::{DenyReason, Site};

use crate::head_deadline;
use crate::outcome::{Failure, Outcome};
use crate::snapshot::Snapshot;
use crate::{request_id, routing, upstream};

/// Per-request state.
pub struct RequestCtx {
    started: Instant,
    request_id: String,
    snapshot: Option<Arc<Snapshot>>,
    site: Option<Arc<Site>>,
    host: Option<String>,
    client_ip: Option<IpAddr>,
    peer_trusted: bool,
    tls: bool,
    outcome: Outcome,
    body_bytes: u64,
    body_limit: u64,
    refreshed_cookie: Option<String>,
    deny_reason: Option<DenyReason>,
    bearer: Option<String>,
}

/// The state before anything is known.
impl Default for RequestCtx {
    fn default() -> RequestCtx {
        RequestCtx {
            started: Instant::now(),
            request_id: String::new(),
            snapshot: None,
            site: None,
            host: None,
            client_ip: None,
            peer_trusted: false,
            tls: false,
            outcome: Outcome::Error,
            body_bytes: 0,
            body_limit: u64::MAX,
            refreshed_cookie: None,
            deny_reason: None,
            bearer: None,
        }
    }
}

impl RequestCtx {
    /// Fills in what every request needs first: the snapshot (taken once), the client and
    /// whether it is a trusted proxy, the request id, host and scheme; applies the timeouts
    /// (the head's is over: it has been read).
    pub fn begin(&mut self, session: &mut Session, snapshot: &Arc<Snapshot>) {
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

    /// Records that the request is for `site`, whose body limit (or the gateway's) now
    /// applies.
    pub fn route_to(&mut self, site: Arc<Site>) {
        let default = self
            .snapshot
            .as_ref()
            .map_or(u64::MAX, |s| s.config.limits.max_body_bytes);
        self.body_limit = site.max_body_bytes.unwrap_or(default);
        self.site = Some(site);
    }

    /// Records how the request was handled.
    pub fn handled(&mut self, outcome: Outcome) {
        self.outcome = outcome;
    }

    /// Records a refusal by the policy, with its reason for the access line.
    pub fn denied(&mut self, reason: DenyReason) {
        self.outcome = Outcome::Failed(Failure::Denied);
        self.deny_reason = Some(reason);
    }

    /// Counts `len` more body bytes received; whether the body is now over its limit.
    pub fn received(&mut self, len: usize) -> bool {
        self.body_bytes += len as u64;
        self.body_bytes > self.body_limit
    }

    /// Keeps the bearer token the request presented (taken out of its headers).
    pub fn present_bearer(&mut self, bearer: Option<String>) {
        self.bearer = bearer;
    }

    /// Keeps a site session cookie with a moved idle deadline, to send back.
    pub fn refresh_cookie(&mut self, cookie: Option<String>) {
        self.refreshed_cookie = cookie;
    }

    /// The refreshed session cookie, once (for the response that carries it).
    pub fn take_refreshed_cookie(&mut self) -> Option<String> {
        self.refreshed_cookie.take()
    }

    /// When the request headers were read.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The request id (echoed in `X-Request-Id`).
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The snapshot the request is judged with.
    pub fn snapshot(&self) -> Option<&Arc<Snapshot>> {
        self.snapshot.as_ref()
    }

    /// The site, once routed.
    pub fn site(&self) -> Option<&Arc<Site>> {
        self.site.as_ref()
    }

    /// The hostname asked for.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The client's address.
    pub fn client_ip(&self) -> Option<IpAddr> {
        self.client_ip
    }

    /// Whether the request arrived over TLS.
    pub fn tls(&self) -> bool {
        self.tls
    }

    /// How the request was handled.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Why the policy refused it, if it did.
    pub fn deny_reason(&self) -> Option<DenyReason> {
        self.deny_reason
    }

    /// Request body bytes received.
    pub fn body_bytes(&self) -> u64 {
        self.body_bytes
    }

    /// The body limit for this request.
    pub fn body_limit(&self) -> u64 {
        self.body_limit
    }

    /// The bearer token the request presented.
    pub fn bearer(&self) -> Option<&str> {
        self.bearer.as_deref()
    }

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
