//! `sitegate-jwt-assertion`: a short-lived ES256 JWT telling a site who is asking, signed
//! with the key ring's current signing key (published as JWKS), and a per-session cache so
//! the hot path signs only when the cached token is close to expiry or its claims changed.

#[cfg(test)]
mod tests;

use std::time::Duration;

use dashmap::DashMap;
use http::HeaderValue;
use serde::Serialize;

use super::keys::KeyRing;
use super::{jws, AuthError};

/// The request header carrying the assertion.
pub const ASSERTION_HEADER: &str = "sitegate-jwt-assertion";
/// Longest lifetime of an assertion, in seconds.
pub const MAX_LIFETIME: u64 = 300;
/// A cached assertion with less than this many seconds left is signed again.
pub const REFRESH_WHEN_LEFT: u64 = 60;

/// What an assertion says (besides `iat`, `exp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AssertionClaims<'a> {
    /// The sign-in host URL, e.g. `https://auth.sites.example.com`.
    pub iss: &'a str,
    /// The site origin, e.g. `https://crm.acme.sites.example.com`.
    pub aud: &'a str,
    /// The pairwise user id on that site.
    pub sub: &'a str,
    /// Verified email, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
    /// Display name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    /// Workspace role, if a member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'a str>,
    /// Workspace groups.
    pub groups: &'a [String],
}

#[derive(Serialize)]
struct Payload<'a> {
    #[serde(flatten)]
    claims: &'a AssertionClaims<'a>,
    iat: u64,
    exp: u64,
}

/// Signs an assertion valid from `now` for `lifetime` seconds (at most five minutes).
/// Returns the compact JWS and its `exp`.
pub fn sign(
    keys: &KeyRing,
    claims: &AssertionClaims<'_>,
    lifetime: Duration,
    now: u64,
) -> Result<(String, u64), AuthError> {
    let exp = now.saturating_add(lifetime.as_secs().min(MAX_LIFETIME));
    let token = jws::sign_es256(
        keys,
        &Payload {
            claims,
            iat: now,
            exp,
        },
    )?;
    Ok((token, exp))
}

/// The claims of a cached token, owned, to tell whether they still hold.
#[derive(PartialEq, Eq)]
struct OwnedClaims {
    iss: String,
    aud: String,
    sub: String,
    email: Option<String>,
    name: Option<String>,
    role: Option<String>,
    groups: Vec<String>,
}

impl OwnedClaims {
    fn new(c: &AssertionClaims<'_>) -> Self {
        OwnedClaims {
            iss: c.iss.to_string(),
            aud: c.aud.to_string(),
            sub: c.sub.to_string(),
            email: c.email.map(str::to_string),
            name: c.name.map(str::to_string),
            role: c.role.map(str::to_string),
            groups: c.groups.to_vec(),
        }
    }

    fn matches(&self, c: &AssertionClaims<'_>) -> bool {
        self.iss == c.iss
            && self.aud == c.aud
            && self.sub == c.sub
            && self.email.as_deref() == c.email
            && self.name.as_deref() == c.name
            && self.role.as_deref() == c.role
            && self.groups == c.groups
    }
}

struct Cached {
    claims: OwnedClaims,
    kid: String,
    token: HeaderValue,
    exp: u64,
}

/// Signed assertions by session id. A hit costs a map lookup and a few string compares.
pub struct AssertionCache {
    entries: DashMap<String, Cached>,
    lifetime: Duration,
    capacity: usize,
}

impl AssertionCache {
    /// A cache signing tokens that live `lifetime` (capped at five minutes), holding at most
    /// `capacity` sessions before expired entries are swept.
    pub fn new(lifetime: Duration, capacity: usize) -> Self {
        AssertionCache {
            entries: DashMap::new(),
            lifetime: lifetime.min(Duration::from_secs(MAX_LIFETIME)),
            capacity,
        }
    }

    /// The assertion for `session_id`: the cached one while it has at least a minute left,
    /// says the same and was signed by the current key; otherwise a freshly signed one.
    pub fn get_or_sign(
        &self,
        keys: &KeyRing,
        session_id: &str,
        claims: &AssertionClaims<'_>,
        now: u64,
    ) -> Result<HeaderValue, AuthError> {
        let kid = &keys.signing_key().kid;
        if let Some(hit) = self.entries.get(session_id) {
            if hit.exp.saturating_sub(now) >= REFRESH_WHEN_LEFT
                && hit.exp > now
                && &hit.kid == kid
                && hit.claims.matches(claims)
            {
                return Ok(hit.token.clone());
            }
        }
        let (token, exp) = sign(keys, claims, self.lifetime, now)?;
        let token =
            HeaderValue::try_from(token).map_err(|_| AuthError::Crypto("JWT header value"))?;
        if self.entries.len() >= self.capacity {
            self.sweep(now);
        }
        if self.entries.len() < self.capacity || self.entries.contains_key(session_id) {
            self.entries.insert(
                session_id.to_string(),
                Cached {
                    claims: OwnedClaims::new(claims),
                    kid: kid.clone(),
                    token: token.clone(),
                    exp,
                },
            );
        }
        Ok(token)
    }

    /// Drops tokens that are due for re-signing anyway; returns how many.
    pub fn sweep(&self, now: u64) -> usize {
        let before = self.entries.len();
        self.entries
            .retain(|_, c| c.exp.saturating_sub(now) >= REFRESH_WHEN_LEFT);
        before.saturating_sub(self.entries.len())
    }
}
