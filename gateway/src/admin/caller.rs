//! Who calls the admin API: a deploy token (one workspace, all or some of its sites, maybe
//! acting as a person whose role must be one of the workspace's `deploy_roles` at every call)
//! or an admin token (everything). Anything else is refused before a handler runs.

use std::net::IpAddr;

use policy::{Policy, Site};

use crate::audit::Actor;
use crate::tokens::{TokenIndex, TokenRecord, TokenScope};

/// An authenticated caller.
#[derive(Debug)]
pub struct Caller {
    /// For the audit log.
    pub actor: Actor,
    token: TokenRecord,
}

/// Why a call is refused: the status and the message.
pub type Refusal = (u16, String);

impl Caller {
    /// The caller presenting `authorization` (the header's value) from `client`.
    pub fn authenticate(
        authorization: Option<&str>,
        client: Option<IpAddr>,
        tokens: &TokenIndex,
    ) -> Result<Caller, Refusal> {
        let unauthorized = |m: &str| (401, m.to_string());
        let bearer = authorization
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                unauthorized("a deploy or admin token is required (Authorization: Bearer sgt_…)")
            })?;
        let token = tokens
            .verify(bearer, TokenScope::Deploy)
            .or_else(|_| tokens.verify(bearer, TokenScope::Admin))
            .map_err(|_| {
                unauthorized(
                    "the token is not a valid deploy or admin token (unknown, expired or revoked)",
                )
            })?;
        let who = match &token.user {
            Some(user) => format!("{user} (token:{})", token.id),
            None => format!("token:{}", token.id),
        };
        let from = client.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
        Ok(Caller {
            actor: Actor {
                who,
                from,
                person: token.user.clone(),
            },
            token,
        })
    }

    /// The site `site_id` if this caller may manage it: an admin token any; a deploy token
    /// the sites of its workspace it names (or all), and only while its person may deploy.
    pub fn site<'p>(
        &self,
        policy: &'p Policy,
        site_id: &str,
    ) -> Result<&'p std::sync::Arc<Site>, Refusal> {
        let site = policy.site(site_id).ok_or_else(|| {
            (
                404,
                format!("no site \"{site_id}\" (expected workspace/site)"),
            )
        })?;
        if self.token.scope == TokenScope::Admin {
            return Ok(site);
        }
        let forbidden = |m: String| (403, m);
        if site.workspace.id != self.token.workspace {
            return Err(forbidden(format!(
                "this token deploys to workspace {}, not {}",
                self.token.workspace, site.workspace.id
            )));
        }
        if !self.token.sites.is_empty() && !self.token.sites.contains(&site.name) {
            return Err(forbidden(format!(
                "this token may not deploy to {site_id}; it is limited to {}",
                self.token.sites.join(", ")
            )));
        }
        if let Some(user) = &self.token.user {
            let ws = &site.workspace;
            let role = ws.member_role(user);
            if !role.is_some_and(|r| ws.deploy_roles.contains(&r)) {
                return Err(forbidden(format!(
                    "{user} may not deploy in {}: their role is {}",
                    ws.id,
                    role.map_or("none", |r| r.as_str())
                )));
            }
        }
        Ok(site)
    }
}
