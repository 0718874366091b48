//! The sign-in endpoints on every site host (`/.sitegate/login`, `/callback`, `/logout`,
//! `/me`), reading a site's session cookie, and where a visitor who must sign in is sent.

use policy::Site;
use serde_json::json;

use super::form;
use super::{Request, SignIn};
use crate::auth::return_to::validate_return_to;
use crate::auth::session::{SiteSession, SITE_COOKIE};
use crate::clock::now;
use crate::cookies::{self, clear_cookie};
use crate::respond::{Reply, SigninFailure};

/// Path prefix reserved for the gateway on every site host.
pub const RESERVED: &str = "/.sitegate/";
/// Codex Sites' sign-in path, owned by the gateway on sites with `codex_sites = true`.
pub const CODEX_SIGNIN: &str = "/signin-with-chatgpt";
/// Codex Sites' sign-out path.
pub const CODEX_SIGNOUT: &str = "/signout-with-chatgpt";

/// A site session read from the request, and the refreshed cookie to send back when its idle
/// deadline moved.
pub struct Identified {
    /// The session.
    pub session: SiteSession,
    /// `Set-Cookie` with the refreshed idle deadline, when it changed.
    pub refreshed: Option<String>,
}

impl SignIn {
    /// The visitor's session on `site`, if the request carries a valid one. A cookie of another
    /// site, expired, tampered with or sealed by an unknown key is ignored (as if absent).
    pub fn identify(&self, site: &Site, cookie_header: &str) -> Option<Identified> {
        let raw = cookies::get(cookie_header, SITE_COOKIE)?;
        let now = now();
        let mut session = SiteSession::open(&self.keys(), raw, site.id(), now).ok()?;
        let refreshed = if session.touch(self.times, now) {
            session.set_cookie(&self.keys(), now).ok()
        } else {
            None
        };
        Some(Identified { session, refreshed })
    }

    /// Where to send a visitor who must sign in to `site`, coming back to `return_to`.
    pub fn login_url(&self, site: &Site, return_to: &str) -> String {
        let return_to = validate_return_to(return_to).unwrap_or_else(|_| "/".into());
        format!(
            "{}/signin?{}",
            self.origin,
            form::encode(&[("site", &site.signin_key()), ("return_to", &return_to)])
        )
    }

    /// Whether `path` is a sign-in endpoint on `site`: `/.sitegate/*`, and the Codex Sites
    /// paths when the site has that contract.
    pub fn is_endpoint(site: &Site, path: &str) -> bool {
        path.starts_with(RESERVED)
            || (site.codex_sites && (path == CODEX_SIGNIN || path == CODEX_SIGNOUT))
    }

    /// Handles a sign-in endpoint on a site host.
    pub fn handle_site(&self, req: &Request<'_>, site: &Site) -> Reply {
        if !req.path.starts_with(RESERVED) {
            return self.handle_codex(req, site);
        }
        let now = now();
        match (req.method, req.path) {
            ("GET", "/.sitegate/login") => {
                let return_to = req.query.get("return_to").unwrap_or("/");
                Reply::found(self.login_url(site, return_to))
            }
            ("GET", "/.sitegate/callback") => self.site_callback(req, site, now),
            ("GET" | "POST", "/.sitegate/logout") => {
                let reply = if req.method == "POST" {
                    Reply::see_other(format!("{}/logout", self.origin))
                } else {
                    Reply::found(format!("{}/logout", self.origin))
                };
                reply.cookie(clear_cookie(SITE_COOKIE))
            }
            ("GET", "/.sitegate/me") => match self.identify(site, &req.cookies) {
                Some(who) => {
                    let claims = &who.session.claims;
                    let body = json!({
                        "site": site.id(),
                        "idp": claims.idp,
                        "email": claims.email,
                        "email_verified": claims.email_verified,
                        "name": claims.name,
                        "groups": claims.idp_groups,
                        "expires_at": who.session.expires_at,
                    });
                    Reply::json(200, &body)
                }
                None => Reply::json(
                    401,
                    &json!({ "error": "login_required", "login_url": self.login_url(site, "/") }),
                ),
            },
            _ => Reply::fail(SigninFailure::NoSuchEndpoint, req.request_id),
        }
    }

    /// Codex Sites' `/signin-with-chatgpt` (GET) and `/signout-with-chatgpt` (GET, or POST
    /// answered with 303). Prefetches get 204 and change nothing; cross-site requests get 403.
    fn handle_codex(&self, req: &Request<'_>, site: &Site) -> Reply {
        if req.prefetch {
            return Reply::empty(204);
        }
        if req.cross_site {
            return Reply::fail(SigninFailure::CrossSite, req.request_id);
        }
        let return_to = req.return_to();
        match (req.method, req.path) {
            ("GET", CODEX_SIGNIN) if self.identify(site, &req.cookies).is_some() => {
                Reply::found(return_to)
            }
            ("GET", CODEX_SIGNIN) => Reply::found(self.login_url(site, &return_to)),
            ("GET", CODEX_SIGNOUT) => Reply::found(return_to).cookie(clear_cookie(SITE_COOKIE)),
            ("POST", CODEX_SIGNOUT) => {
                Reply::see_other(return_to).cookie(clear_cookie(SITE_COOKIE))
            }
            _ => Reply::fail(SigninFailure::MethodNotAllowed, req.request_id),
        }
    }

    fn site_callback(&self, req: &Request<'_>, site: &Site, now: u64) -> Reply {
        let Some(code) = req.query.get("code") else {
            return Reply::fail(SigninFailure::LinkIncomplete, req.request_id);
        };
        let session = match self.codes.redeem(code, site.id(), now) {
            Ok(session) => session,
            Err(_) => {
                let retry = self.login_url(site, req.query.get("return_to").unwrap_or("/"));
                return Reply::fail(SigninFailure::LinkExpired { retry }, req.request_id);
            }
        };
        let return_to = req.return_to();
        match session.set_cookie(&self.keys(), now) {
            Ok(cookie) => Reply::found(return_to).cookie(cookie),
            Err(_) => Reply::fail(SigninFailure::SiteSessionFailed, req.request_id),
        }
    }
}
