//! The access check for a routed request: normalize the path once, ask `policy::decide`, and
//! send the backend the same normalized path the rules saw (SECURITY-CHECKLIST line 14).

use pingora_error::Result;
use pingora_proxy::Session;
use policy::{Decision, Site};

use crate::proxy::RequestCtx;
use crate::respond::{self, Page};

/// `None` when the request may go on to the backend (its path now normalized), else the page
/// to answer with.
pub fn check(session: &mut Session, site: &Site, ctx: &mut RequestCtx) -> Result<Option<Page>> {
    let req = session.req_header();
    let Ok(path) = policy::normalize_path(req.uri.path()) else {
        ctx.outcome = "bad_path";
        return Ok(Some(respond::BAD_REQUEST));
    };
    match policy::decide(site, None, req.method.as_str(), &path) {
        Decision::Allow(_) => {
            if path.as_str() != req.uri.path() {
                let target = match req.uri.query() {
                    Some(query) => format!("{}?{query}", path.as_str()),
                    None => path.as_str().to_string(),
                };
                let uri = target.parse::<http::Uri>().map_err(|e| {
                    pingora_error::Error::explain(
                        pingora_error::ErrorType::InvalidHTTPHeader,
                        e.to_string(),
                    )
                })?;
                session.req_header_mut().set_uri(uri);
            }
            Ok(None)
        }
        Decision::RequireLogin => {
            ctx.outcome = "login_required";
            Ok(Some(respond::LOGIN_REQUIRED))
        }
        Decision::Deny(reason) => {
            ctx.outcome = "denied";
            tracing::debug!(request_id = %ctx.request_id, reason = %reason, "access denied");
            Ok(Some(respond::FORBIDDEN))
        }
    }
}
