//! The sign-in host's endpoints: `/signin` (SSO or start OIDC), `/callback` (finish OIDC),
//! `/logout`, `/.well-known/jwks.json`, and the development IdP under `/dev-idp` (the
//! console, on the same host, is dispatched to by the sign-in glue).

use policy::Policy;

use super::dev_idp::{self, DevUser};
use super::form;
use super::oidc::EndSession;
use super::pages::{self, Choice};
use super::{Request, SignIn, CONSOLE_PREFIX, FLOW_TTL};
use crate::auth::session::{flow_cookie_name, FlowState, SsoSession, SSO_COOKIE};
use crate::clock::now;
use crate::config::Config;
use crate::cookies::{self, clear_cookie};
use crate::respond::{Reply, SigninFailure};
use crate::snapshot::Snapshot;

/// The site key of a sign-in flow started for the console rather than a site.
const CONSOLE_FLOW: &str = "";

/// Responses never cached: they carry cookies and one-time values.
impl SignIn {
    /// Handles a request on the sign-in host.
    pub async fn handle_host(&self, req: &Request<'_>, snapshot: &Snapshot) -> Reply {
        let (config, policy) = (&snapshot.config, &snapshot.policy);
        let now = now();
        if req.path.starts_with(dev_idp::PREFIX) {
            if let Some(dev) = &self.dev {
                let users = dev_users(policy);
                if let Some(reply) = dev.handle(req, &users, &self.keys(), now) {
                    return reply;
                }
            }
        }
        match (req.method, req.path) {
            ("GET", "/signin") => self.signin(req, snapshot, now).await,
            ("GET", "/callback") => self.callback(req, snapshot, now).await,
            ("GET" | "POST", "/logout") => self.logout(req, config).await,
            ("GET", "/.well-known/jwks.json") => Reply::json(200, &self.keys().jwks()),
            _ => Reply::fail(SigninFailure::NoSuchEndpoint, req.request_id),
        }
    }

    async fn signin(&self, req: &Request<'_>, snapshot: &Snapshot, now: u64) -> Reply {
        let config = &snapshot.config;
        if req.query.get("console").is_some() {
            return self.signin_to_console(req, snapshot, now).await;
        }
        let Some(site) = req
            .query
            .get("site")
            .and_then(|key| snapshot.site_by_key(key))
        else {
            return Reply::fail(SigninFailure::UnknownSite, req.request_id);
        };
        let return_to = req.return_to();
        let accepted: Vec<&str> = site
            .idps()
            .filter(|name| self.provider(config, name).is_some())
            .collect();
        if accepted.is_empty() {
            return Reply::fail(SigninFailure::NoProvider, req.request_id);
        }
        // SSO: an existing sign-in-host session through an IdP this site accepts.
        if let Some(sso) = cookies::get(&req.cookies, SSO_COOKIE)
            .and_then(|raw| SsoSession::open(&self.keys(), raw, now).ok())
        {
            if accepted.contains(&sso.claims.idp.as_str()) {
                return self.hand_to_site(&sso, &site, &return_to, req.request_id, now);
            }
        }
        let chosen = match req.query.get("idp") {
            Some(name) if accepted.contains(&name) => name,
            Some(_) => return Reply::fail(SigninFailure::ProviderNotAccepted, req.request_id),
            None if accepted.len() == 1 => accepted[0],
            None => {
                let choices: Vec<Choice> = accepted
                    .iter()
                    .filter_map(|name| {
                        let provider = self.provider(config, name)?;
                        let query = form::encode(&[
                            ("site", &site.signin_key()),
                            ("return_to", &return_to),
                            ("idp", name),
                        ]);
                        Some(Choice {
                            name: provider.config().display_name.clone(),
                            href: format!("/signin?{query}"),
                        })
                    })
                    .collect();
                let host = site.hosts.first().map_or("", String::as_str);
                return Reply::page(pages::chooser(&site.name, host, &choices));
            }
        };
        self.start_flow(
            config,
            chosen,
            &site.signin_key(),
            &return_to,
            req.request_id,
            now,
        )
        .await
    }

    /// Signs in to the console through one of the workspaces' IdPs.
    async fn signin_to_console(&self, req: &Request<'_>, snapshot: &Snapshot, now: u64) -> Reply {
        let idp = req.query.get("idp").unwrap_or_default();
        if !snapshot.policy.workspaces().any(|w| w.idp == idp) {
            return Reply::fail(SigninFailure::NoWorkspaceProvider, req.request_id);
        }
        self.start_flow(
            &snapshot.config,
            idp,
            CONSOLE_FLOW,
            CONSOLE_PREFIX,
            req.request_id,
            now,
        )
        .await
    }

    async fn start_flow(
        &self,
        config: &Config,
        idp: &str,
        site_id: &str,
        return_to: &str,
        request_id: &str,
        now: u64,
    ) -> Reply {
        let failed = || Reply::fail(SigninFailure::ProviderUnreachable, request_id);
        let Some(provider) = self.provider(config, idp) else {
            return failed();
        };
        let Ok(flow) = FlowState::start(&self.keys(), idp, site_id, return_to, FLOW_TTL, now)
        else {
            return failed();
        };
        let url = match provider
            .authorize_url(&flow.state, &flow.nonce, &flow.pkce_verifier)
            .await
        {
            Ok(url) => url,
            Err(e) => {
                tracing::warn!(request_id, idp, error = %e, "cannot start sign-in");
                return failed();
            }
        };
        match flow.set_cookie(&self.keys(), now) {
            Ok(cookie) => Reply::found(url).cookie(cookie),
            Err(_) => failed(),
        }
    }

    async fn callback(&self, req: &Request<'_>, snapshot: &Snapshot, now: u64) -> Reply {
        let config = &snapshot.config;
        let fail = |failure| Reply::fail(failure, req.request_id);
        let Some(state) = req.query.get("state") else {
            return fail(SigninFailure::AnswerWithoutState);
        };
        let cookie_name = flow_cookie_name(state);
        let flow = cookies::get(&req.cookies, &cookie_name)
            .and_then(|raw| FlowState::open(&self.keys(), raw, state, now).ok());
        let Some(flow) = flow else {
            return fail(SigninFailure::FlowExpired);
        };
        let clear = clear_cookie(&cookie_name);
        if !self.used_states.first_use(state, flow.expires_at, now) {
            return fail(SigninFailure::FlowReplayed).cookie(clear);
        }
        if let Some(error) = req.query.get("error") {
            tracing::info!(
                request_id = req.request_id,
                idp = flow.idp,
                error,
                "IdP refused sign-in"
            );
            return fail(SigninFailure::ProviderRefused).cookie(clear);
        }
        let (Some(code), Some(provider)) =
            (req.query.get("code"), self.provider(config, &flow.idp))
        else {
            return fail(SigninFailure::AnswerIncomplete).cookie(clear);
        };
        let claims = match provider
            .finish(code, &flow.pkce_verifier, &flow.nonce)
            .await
        {
            Ok(claims) => claims,
            Err(e) => {
                tracing::warn!(request_id = req.request_id, idp = flow.idp, error = %e, "sign-in failed");
                return fail(SigninFailure::AnswerUnverified).cookie(clear);
            }
        };
        let site = match flow.site.as_str() {
            CONSOLE_FLOW => None,
            key => match snapshot.site_by_key(key) {
                Some(site) => Some(site),
                None => return fail(SigninFailure::SiteGone).cookie(clear),
            },
        };
        let workspace = site.as_ref().map_or("", |s| s.workspace.id.as_str());
        let Ok(sso) = SsoSession::issue(&self.keys(), claims, workspace, self.times.lifetime, now)
        else {
            return fail(SigninFailure::SsoSessionFailed).cookie(clear);
        };
        let reply = match &site {
            Some(site) => self.hand_to_site(&sso, site, &flow.return_to, req.request_id, now),
            None => Reply::found(CONSOLE_PREFIX),
        }
        .cookie(clear);
        match sso.set_cookie(&self.keys(), now) {
            Ok(c) => reply.cookie(c),
            Err(_) => reply,
        }
    }

    /// Mints a one-time code for `site` and sends the browser to the site's callback.
    fn hand_to_site(
        &self,
        sso: &SsoSession,
        site: &policy::Site,
        return_to: &str,
        request_id: &str,
        now: u64,
    ) -> Reply {
        let minted = sso
            .site_session(&self.keys(), site.id(), self.times, now)
            .and_then(|s| self.codes.mint(site.id(), s, now));
        let (Ok(code), Some(host)) = (minted, site.hosts.first()) else {
            return Reply::fail(SigninFailure::HandOffFailed, request_id);
        };
        let query = form::encode(&[("code", &code), ("return_to", return_to)]);
        Reply::found(format!(
            "{}/.sitegate/callback?{query}",
            self.site_origin(host)
        ))
    }

    /// Ends the sign-in session here, always; then sends the browser to the IdP's
    /// `end_session_endpoint` only when it passed its check (docs/security.md line 33), and
    /// otherwise says on the signed-out page that the IdP session may remain.
    async fn logout(&self, req: &Request<'_>, config: &Config) -> Reply {
        let idp = cookies::get(&req.cookies, SSO_COOKIE)
            .and_then(|raw| SsoSession::open(&self.keys(), raw, now()).ok())
            .map(|s| s.claims.idp);
        let clear = clear_cookie(SSO_COOKIE);
        let Some((name, provider)) =
            idp.and_then(|name| Some((name.clone(), self.provider(config, &name)?)))
        else {
            return Reply::page(pages::signed_out()).cookie(clear);
        };
        match provider.end_session().await {
            EndSession::Redirect(end) => Reply::found(end).cookie(clear),
            EndSession::NotOffered => Reply::page(pages::signed_out()).cookie(clear),
            EndSession::Refused(why) => {
                tracing::warn!(
                    request_id = req.request_id,
                    idp = name,
                    reason = why,
                    "end_session_endpoint refused; signed out here only"
                );
                Reply::page(pages::signed_out_here_only()).cookie(clear)
            }
        }
    }
}

/// The members the development IdP offers, from every workspace that signs in through it.
fn dev_users(policy: &Policy) -> Vec<DevUser> {
    let mut users = Vec::new();
    for ws in policy.workspaces().filter(|w| w.idp == "dev") {
        for (email, role) in ws.members() {
            users.push(DevUser {
                email: email.to_string(),
                note: format!("{} · {}", ws.name, role.as_str()),
            });
        }
    }
    users
}
