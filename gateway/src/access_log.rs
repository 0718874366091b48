//! One structured access line per request (target `access`): site, decision, status, bytes,
//! duration and request id. The subscriber decides text or JSON.

use std::time::Duration;

use pingora_error::Error;
use pingora_proxy::Session;
use policy::DenyReason;

use crate::request::RequestCtx;

/// What the access line and the metrics record about one request.
pub struct Entry<'a> {
    /// `workspace/site`, or `-` when no site was routed.
    pub site: &'a str,
    /// Hostname asked for.
    pub host: &'a str,
    /// HTTP method.
    pub method: &'a str,
    /// Request path (no query string: queries may carry tokens).
    pub path: &'a str,
    /// Status sent (0 when none was).
    pub status: u16,
    /// How the gateway handled it.
    pub outcome: &'static str,
    /// Why the policy refused it, if it did.
    pub deny_reason: Option<DenyReason>,
    /// Body bytes sent to the client.
    pub bytes_sent: usize,
    /// Body bytes received from the client.
    pub bytes_received: u64,
    /// Time from request headers to the end of the response.
    pub duration: Duration,
    /// The request id.
    pub request_id: &'a str,
    /// The client's address.
    pub client: String,
    /// The error that ended the request, if any.
    pub error: Option<String>,
}

impl<'a> Entry<'a> {
    /// Collects the entry at the end of a request.
    pub fn new(session: &'a Session, e: Option<&Error>, ctx: &'a RequestCtx) -> Entry<'a> {
        let req = session.req_header();
        Entry {
            site: ctx.site().map_or("-", |s| s.id()),
            host: ctx.host().unwrap_or("-"),
            method: req.method.as_str(),
            path: req.uri.path(),
            status: session.response_written().map_or(0, |r| r.status.as_u16()),
            outcome: ctx.outcome().as_str(),
            deny_reason: ctx.deny_reason(),
            bytes_sent: session.body_bytes_sent(),
            bytes_received: ctx.body_bytes(),
            duration: ctx.started().elapsed(),
            request_id: ctx.request_id(),
            client: ctx
                .client_ip()
                .map_or_else(|| "-".to_string(), |ip| ip.to_string()),
            error: e.map(|e| e.etype().as_str().to_string()),
        }
    }

    /// Writes the access line.
    pub fn emit(&self) {
        tracing::info!(
            target: "access",
            site = self.site,
            host = self.host,
            method = self.method,
            path = self.path,
            status = self.status,
            outcome = self.outcome,
            deny_reason = self.deny_reason.map(tracing::field::display),
            bytes_sent = self.bytes_sent,
            bytes_received = self.bytes_received,
            duration_ms = self.duration.as_secs_f64() * 1000.0,
            request_id = self.request_id,
            client = %self.client,
            error = self.error.as_deref(),
        );
    }
}
