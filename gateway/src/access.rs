//! The access check for a routed request: normalize the path once, find out who is asking
//! (site session cookie), ask `policy::decide`, and shape what the backend receives: the
//! normalized path (docs/security.md line 14), fresh identity headers, no gateway cookies.

use pingora_error::{Error, ErrorType, Result};
use pingora_proxy::Session;
use policy::{Decision, NormalizedPath, Principal, ServicePrincipal, Site};

use crate::auth::assertion::{AssertionClaims, ASSERTION_HEADER};
use crate::auth::identity::{identity_headers, pairwise_id, Identity};
use crate::cookies;
use crate::outcome::Failure;
use crate::request::RequestCtx;
use crate::respond::Answer;
use crate::signin::SignIn;
use crate::tokens::{TokenIndex, TokenScope};

/// Decides the request (its path already normalized) and, when allowed, prepares it for the
/// backend; otherwise the answer: a failure's page, sign in first, or refused.
pub fn check(
    session: &mut Session,
    site: &Site,
    path: &NormalizedPath,
    signin: &SignIn,
    tokens: &TokenIndex,
    ctx: &mut RequestCtx,
) -> Result<(), Answer> {
    let req = session.req_header();
    let (who, principal) = match ctx.bearer() {
        Some(bearer) => match tokens.verify(bearer, TokenScope::Access) {
            Ok(token) => {
                let service = ServicePrincipal {
                    workspace: token.workspace,
                    sites: token.sites,
                    token_id: token.id,
                };
                (None, Some(Principal::Service(service)))
            }
            Err(_) => return Err(Answer::Fail(Failure::InvalidToken)),
        },
        None => {
            let who = signin.identify(site, &cookies::joined(req));
            let principal = who
                .as_ref()
                .map(|w| Principal::User(w.session.claims.clone()));
            (who, principal)
        }
    };
    match policy::decide(site, principal.as_ref(), req.method.as_str(), path) {
        Decision::Allow(allowed) => {
            rewrite_path(session, path)?;
            let req = session.req_header_mut();
            cookies::strip_gateway_cookies(req)?;
            if let Some(who) = who {
                let claims = &who.session.claims;
                let groups = site
                    .workspace
                    .membership(claims)
                    .map(|m| m.groups.iter().map(|g| g.to_string()).collect::<Vec<_>>())
                    .unwrap_or_default();
                let role = allowed.role.map(|r| r.as_str());
                let identity = Identity::from_claims(
                    claims,
                    site.workspace.trusts_email(&claims.idp),
                    role,
                    &groups,
                );
                for (name, value) in
                    identity_headers(&signin.keys(), site.id(), &identity, site.codex_sites)
                {
                    req.insert_header(name, value)?;
                }
                let host = site.hosts.first().map_or("", String::as_str);
                let sub = pairwise_id(&signin.keys(), &claims.issuer, &claims.subject, site.id());
                let audience = signin.site_origin(host);
                let assertion = AssertionClaims {
                    iss: signin.origin(),
                    aud: &audience,
                    sub: &sub,
                    email: identity.email,
                    name: identity.name,
                    role,
                    groups: &groups,
                };
                match signin.assertions().get_or_sign(
                    &signin.keys(),
                    &who.session.session_id,
                    &assertion,
                    crate::clock::now(),
                ) {
                    Ok(token) => req.insert_header(ASSERTION_HEADER, token)?,
                    Err(e) => {
                        let why = format!("signing the identity assertion: {e}");
                        return Err(Error::explain(ErrorType::InternalError, why).into());
                    }
                }
                ctx.refresh_cookie(who.refreshed);
            }
            Ok(())
        }
        Decision::RequireLogin => {
            let target = match session.req_header().uri.query() {
                Some(q) => format!("{}?{q}", path.as_str()),
                None => path.as_str().to_string(),
            };
            Err(Answer::Login(signin.login_url(site, &target)))
        }
        Decision::BadPath(_) => Err(Answer::Fail(Failure::BadPath)),
        Decision::Deny(reason) => {
            ctx.denied(reason);
            match &principal {
                Some(Principal::User(user)) => Err(Answer::Denied(denial(site, user, reason))),
                _ => Err(Answer::Fail(Failure::Denied)),
            }
        }
    }
}

/// What a signed-in person refused by `site` is told: who they are signed in as, the reason
/// in words, and whom to ask — the workspace's owners and admins by email when the person is
/// a member of it (a stranger only learns the workspace's name).
fn denial(site: &Site, user: &policy::UserPrincipal, reason: policy::DenyReason) -> String {
    let ws = &site.workspace;
    let who = user.email.as_deref().unwrap_or(&user.subject);
    let mut reason = reason.to_string();
    if let Some(first) = reason.get(..1) {
        reason.replace_range(..1, &first.to_uppercase());
    }
    let ask = if ws.role_of(user).is_some() {
        let mut admins: Vec<&str> = ws
            .members()
            .filter(|(_, role)| matches!(role, policy::Role::Owner | policy::Role::Admin))
            .map(|(email, _)| email)
            .collect();
        admins.sort();
        match admins.is_empty() {
            true => format!("To get access, ask an admin of {}.", ws.name),
            false => format!(
                "To get access, ask an admin of {}: {}.",
                ws.name,
                admins.join(", ")
            ),
        }
    } else {
        format!("To get access, ask an admin of {} to add you.", ws.name)
    };
    format!("You are signed in as {who}.\n\n{reason}.\n\n{ask}")
}

/// Sends the backend the normalized path (query kept).
fn rewrite_path(session: &mut Session, path: &NormalizedPath) -> Result<()> {
    let req = session.req_header();
    if path.as_str() == req.uri.path() {
        return Ok(());
    }
    let target = match req.uri.query() {
        Some(query) => format!("{}?{query}", path.as_str()),
        None => path.as_str().to_string(),
    };
    let uri = target
        .parse::<http::Uri>()
        .map_err(|e| Error::explain(ErrorType::InvalidHTTPHeader, e.to_string()))?;
    session.req_header_mut().set_uri(uri);
    Ok(())
}
