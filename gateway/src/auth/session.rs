//! Sealed cookies: the per-site session (`__Host-sitegate`, bound to one site), the sign-in
//! host's SSO session and the short-lived OIDC flow state, with their `Set-Cookie` builders.

#[cfg(test)]
mod tests;

use std::time::Duration;

use policy::UserPrincipal;
use serde::{Deserialize, Serialize};

use super::keys::KeyRing;
use super::seal::{self, Sealed};
use super::{random_token, AuthError};
use crate::cookies::set_cookie;

/// The site session cookie, host-only on each site's hostname.
pub const SITE_COOKIE: &str = "__Host-sitegate";
/// The SSO session cookie on the sign-in host.
pub const SSO_COOKIE: &str = "__Host-sitegate-sso";
/// Prefix of the flow-state cookies on the sign-in host (one per flow, so tabs don't clash).
pub const FLOW_COOKIE_PREFIX: &str = "__Host-sitegate-flow-";

/// How long sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    /// Absolute lifetime in seconds from sign-in.
    pub lifetime: u64,
    /// Seconds without a request after which the session ends (at most `lifetime`).
    pub idle: u64,
}

impl SessionTimes {
    /// Lifetime and idle timeout from durations (whole seconds).
    pub fn new(lifetime: Duration, idle: Duration) -> Self {
        SessionTimes {
            lifetime: lifetime.as_secs(),
            idle: idle.as_secs().min(lifetime.as_secs()),
        }
    }
}

/// A signed-in person's session on one site, sealed into `__Host-sitegate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSession {
    /// The site id (`workspace/site`) the session is for.
    pub site: String,
    /// Who signed in; sealed as JSON under `claims`, in the shape older cookies carry.
    pub claims: UserPrincipal,
    /// Random, fresh at every sign-in (no fixation); keys the assertion cache.
    pub session_id: String,
    /// Unix time of sign-in.
    pub issued_at: u64,
    /// Unix time the session ends, whatever the activity.
    pub expires_at: u64,
    /// Unix time the session ends unless refreshed by a request.
    pub idle_expires_at: u64,
}

impl Sealed for SiteSession {
    const PURPOSE: &'static str = SITE_COOKIE;
    fn binding(&self) -> &str {
        &self.site
    }
    fn expired(&self, now: u64) -> bool {
        now >= self.expires_at || now >= self.idle_expires_at
    }
}

impl SiteSession {
    /// A fresh session (new random id) for `site`, never ending after `not_after`.
    pub fn issue(
        keys: &KeyRing,
        site: &str,
        claims: UserPrincipal,
        times: SessionTimes,
        not_after: Option<u64>,
        now: u64,
    ) -> Result<SiteSession, AuthError> {
        let expires_at = now
            .saturating_add(times.lifetime)
            .min(not_after.unwrap_or(u64::MAX));
        Ok(SiteSession {
            site: site.to_string(),
            claims,
            session_id: random_token(keys.rng(), 16)?,
            issued_at: now,
            expires_at,
            idle_expires_at: now.saturating_add(times.idle).min(expires_at),
        })
    }

    /// The sealed cookie value.
    pub fn seal(&self, keys: &KeyRing) -> Result<String, AuthError> {
        seal::seal(keys, self)
    }

    /// Opens a `__Host-sitegate` value on the site `site_id`.
    pub fn open(keys: &KeyRing, raw: &str, site_id: &str, now: u64) -> Result<Self, AuthError> {
        seal::open(keys, raw, site_id, now)
    }

    /// Slides the idle timeout once half of it has passed. Returns true when the session
    /// changed and the cookie must be sent again.
    pub fn touch(&mut self, times: SessionTimes, now: u64) -> bool {
        let renewed = now.saturating_add(times.idle).min(self.expires_at);
        if self.idle_expires_at.saturating_sub(now) < times.idle / 2
            && renewed > self.idle_expires_at
        {
            self.idle_expires_at = renewed;
            return true;
        }
        false
    }

    /// `Set-Cookie` for this session, living until its absolute expiry.
    pub fn set_cookie(&self, keys: &KeyRing, now: u64) -> Result<String, AuthError> {
        Ok(set_cookie(
            SITE_COOKIE,
            &self.seal(keys)?,
            self.expires_at.saturating_sub(now),
        ))
    }
}

/// The sign-in host's own session: who signed in through which IdP, for SSO across the
/// sites that accept that IdP. Sealed into `__Host-sitegate-sso`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoSession {
    /// Who signed in; sealed as JSON under `claims`, in the shape older cookies carry.
    pub claims: UserPrincipal,
    /// The workspace whose site started the sign-in.
    pub workspace: String,
    /// Random, fresh at every sign-in.
    pub session_id: String,
    /// Unix time of sign-in.
    pub issued_at: u64,
    /// Unix time the SSO session ends.
    pub expires_at: u64,
}

impl Sealed for SsoSession {
    const PURPOSE: &'static str = SSO_COOKIE;
    fn binding(&self) -> &str {
        "sign-in host"
    }
    fn expired(&self, now: u64) -> bool {
        now >= self.expires_at
    }
}

impl SsoSession {
    /// A fresh SSO session.
    pub fn issue(
        keys: &KeyRing,
        claims: UserPrincipal,
        workspace: &str,
        lifetime: u64,
        now: u64,
    ) -> Result<SsoSession, AuthError> {
        Ok(SsoSession {
            claims,
            workspace: workspace.to_string(),
            session_id: random_token(keys.rng(), 16)?,
            issued_at: now,
            expires_at: now.saturating_add(lifetime),
        })
    }

    /// The sealed cookie value.
    pub fn seal(&self, keys: &KeyRing) -> Result<String, AuthError> {
        seal::seal(keys, self)
    }

    /// Opens a `__Host-sitegate-sso` value.
    pub fn open(keys: &KeyRing, raw: &str, now: u64) -> Result<Self, AuthError> {
        seal::open(keys, raw, "sign-in host", now)
    }

    /// A new site session for `site` from this SSO session, ending no later than it.
    pub fn site_session(
        &self,
        keys: &KeyRing,
        site: &str,
        times: SessionTimes,
        now: u64,
    ) -> Result<SiteSession, AuthError> {
        SiteSession::issue(
            keys,
            site,
            self.claims.clone(),
            times,
            Some(self.expires_at),
            now,
        )
    }

    /// `Set-Cookie` for this session.
    pub fn set_cookie(&self, keys: &KeyRing, now: u64) -> Result<String, AuthError> {
        Ok(set_cookie(
            SSO_COOKIE,
            &self.seal(keys)?,
            self.expires_at.saturating_sub(now),
        ))
    }
}

/// One OIDC authorization-code flow in progress, sealed into its own flow cookie and bound
/// to its `state`: the cookie opens only with the `state` the IdP sends back. Single use
/// is the caller's job (see `code::ReplayGuard`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowState {
    /// The OAuth `state` (32 random bytes, base64url).
    pub state: String,
    /// The OIDC `nonce` expected in the ID token.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// The IdP the flow runs against.
    pub idp: String,
    /// The site id the person is signing in to.
    pub site: String,
    /// Validated same-origin path to return to on the site.
    pub return_to: String,
    /// Unix time the flow started.
    pub created_at: u64,
    /// Unix time the flow must have finished by.
    pub expires_at: u64,
}

impl std::fmt::Debug for FlowState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowState")
            .field("idp", &self.idp)
            .field("site", &self.site)
            .field("return_to", &self.return_to)
            .field("created_at", &self.created_at)
            .field("state", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl Sealed for FlowState {
    const PURPOSE: &'static str = "__Host-sitegate-flow";
    fn binding(&self) -> &str {
        &self.state
    }
    fn expired(&self, now: u64) -> bool {
        now >= self.expires_at
    }
}

impl FlowState {
    /// A new flow with fresh random state, nonce and PKCE verifier, valid for `ttl` seconds.
    pub fn start(
        keys: &KeyRing,
        idp: &str,
        site: &str,
        return_to: &str,
        ttl: u64,
        now: u64,
    ) -> Result<FlowState, AuthError> {
        Ok(FlowState {
            state: random_token(keys.rng(), 32)?,
            nonce: random_token(keys.rng(), 32)?,
            pkce_verifier: random_token(keys.rng(), 32)?,
            idp: idp.to_string(),
            site: site.to_string(),
            return_to: return_to.to_string(),
            created_at: now,
            expires_at: now.saturating_add(ttl),
        })
    }

    /// The name of this flow's cookie.
    pub fn cookie_name(&self) -> String {
        flow_cookie_name(&self.state)
    }

    /// The sealed cookie value.
    pub fn seal(&self, keys: &KeyRing) -> Result<String, AuthError> {
        seal::seal(keys, self)
    }

    /// Opens a flow cookie with the `state` the IdP returned; any other state fails.
    pub fn open(keys: &KeyRing, raw: &str, state: &str, now: u64) -> Result<Self, AuthError> {
        seal::open(keys, raw, state, now)
    }

    /// `Set-Cookie` for this flow, living until the flow expires.
    pub fn set_cookie(&self, keys: &KeyRing, now: u64) -> Result<String, AuthError> {
        Ok(set_cookie(
            &self.cookie_name(),
            &self.seal(keys)?,
            self.expires_at.saturating_sub(now),
        ))
    }
}

/// The flow cookie name for a `state` value: the prefix and the state's first 16
/// base64url characters (a state with other characters gets a shorter suffix).
pub fn flow_cookie_name(state: &str) -> String {
    let suffix: String = state
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(16)
        .collect();
    format!("{FLOW_COOKIE_PREFIX}{suffix}")
}
