//! The development identity provider: a real OpenID Connect issuer served by Sitegate under
//! `<sign-in host>/dev-idp` (discovery, an authorize page listing the members of the RBAC
//! files, a token endpoint with PKCE, JWKS). Off unless `[dev_idp] enabled = true`; every page
//! says it is for development.

use std::time::Duration;

use dashmap::DashMap;
use ring::digest;
use serde_json::json;

use super::form::Form;
use super::pages;
use super::Request;
use crate::auth::keys::KeyRing;
use crate::auth::{b64, jws, random_token};
use crate::respond::{Reply, SigninFailure};

#[cfg(test)]
mod tests;

/// Path prefix of the development IdP on the sign-in host.
pub const PREFIX: &str = "/dev-idp";
/// The client id the gateway uses with its own development IdP.
pub const CLIENT_ID: &str = "sitegate";
/// How long an authorization code of the development IdP is valid.
const CODE_TTL: Duration = Duration::from_secs(60);

/// One person the development IdP lets you sign in as.
#[derive(Debug, Clone)]
pub struct DevUser {
    /// Email (also the subject).
    pub email: String,
    /// Where it comes from, for the page (e.g. "demo · owner").
    pub note: String,
}

struct Grant {
    email: String,
    name: String,
    nonce: Option<String>,
    challenge: String,
    redirect_uri: String,
    expires_at: u64,
}

/// The development IdP's state: its issuer URL, its one client's secret and registered
/// redirect URI, and outstanding codes.
pub struct DevIdp {
    issuer: String,
    client_secret: String,
    redirect_uri: String,
    grants: DashMap<String, Grant>,
}

impl DevIdp {
    /// A development IdP at `<signin_origin>/dev-idp` with a fresh client secret, whose one
    /// client ([`CLIENT_ID`]) is the gateway and may be sent back only to the sign-in host's
    /// callback.
    pub fn new(signin_origin: &str, keys: &KeyRing) -> Result<DevIdp, crate::auth::AuthError> {
        Ok(DevIdp {
            issuer: format!("{signin_origin}{PREFIX}"),
            client_secret: random_token(keys.rng(), 32)?,
            redirect_uri: super::callback_url(signin_origin),
            grants: DashMap::new(),
        })
    }

    /// True when `client_id` is this IdP's client and `redirect_uri` exactly the one it
    /// registered, as an OpenID provider must check before sending a browser anywhere.
    fn registered(&self, client_id: Option<&str>, redirect_uri: Option<&str>) -> bool {
        client_id == Some(CLIENT_ID) && redirect_uri == Some(self.redirect_uri.as_str())
    }

    /// The issuer URL.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The client secret the gateway's relying party uses.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// Handles a request under [`PREFIX`]; `None` for paths it does not serve.
    pub fn handle(
        &self,
        req: &Request<'_>,
        users: &[DevUser],
        keys: &KeyRing,
        now: u64,
    ) -> Option<Reply> {
        let rest = req.path.strip_prefix(PREFIX)?;
        Some(match (req.method, rest) {
            ("GET", "/.well-known/openid-configuration") => Reply::json(200, &self.discovery()),
            ("GET", "/jwks") => Reply::json(200, &keys.jwks()),
            ("GET", "/authorize") => self.authorize_page(req, users),
            ("POST", "/authorize") => self.approve(req, keys, now),
            ("POST", "/token") => self.token(&req.body, req.authorization, keys, now),
            _ => return None,
        })
    }

    fn discovery(&self) -> serde_json::Value {
        let issuer = &self.issuer;
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        })
    }

    fn authorize_page(&self, req: &Request<'_>, users: &[DevUser]) -> Reply {
        let query = &req.query;
        if !self.registered(query.get("client_id"), query.get("redirect_uri")) {
            return Reply::fail(SigninFailure::DevUnregistered, req.request_id);
        }
        let valid = query.get("response_type") == Some("code")
            && query.get("code_challenge_method") == Some("S256")
            && query.get("code_challenge").is_some_and(|c| c.len() >= 43);
        if !valid {
            return Reply::fail(SigninFailure::DevRequestIncomplete, req.request_id);
        }
        let listed = users.iter().map(|u| (u.email.as_str(), u.note.as_str()));
        Reply::page(pages::dev_idp_authorize(query, listed))
    }

    fn approve(&self, req: &Request<'_>, keys: &KeyRing, now: u64) -> Reply {
        let form = &req.body;
        let (Some(email), Some(redirect_uri), Some(challenge)) = (
            form.get("email"),
            form.get("redirect_uri"),
            form.get("code_challenge"),
        ) else {
            return Reply::fail(SigninFailure::DevFormIncomplete, req.request_id);
        };
        if !self.registered(form.get("client_id"), Some(redirect_uri)) {
            return Reply::fail(SigninFailure::DevUnregistered, req.request_id);
        }
        let email = email.trim().to_string();
        if email.is_empty() || !email.contains('@') {
            return Reply::fail(SigninFailure::DevNoEmail, req.request_id);
        }
        let Ok(code) = random_token(keys.rng(), 32) else {
            return Reply::fail(SigninFailure::DevNoCode, req.request_id);
        };
        self.grants.retain(|_, g| g.expires_at > now);
        self.grants.insert(
            code.clone(),
            Grant {
                name: form
                    .get("name")
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map_or_else(|| display_name(&email), str::to_string),
                email,
                nonce: form.get("nonce").map(str::to_string),
                challenge: challenge.to_string(),
                redirect_uri: redirect_uri.to_string(),
                expires_at: now + CODE_TTL.as_secs(),
            },
        );
        let mut target = match url::Url::parse(redirect_uri) {
            Ok(url) => url,
            Err(_) => return Reply::fail(SigninFailure::DevBadRedirect, req.request_id),
        };
        target.query_pairs_mut().append_pair("code", &code);
        if let Some(state) = form.get("state") {
            target.query_pairs_mut().append_pair("state", state);
        }
        target.query_pairs_mut().append_pair("iss", &self.issuer);
        Reply::see_other(target.to_string())
    }

    fn token(&self, form: &Form, authorization: Option<&str>, keys: &KeyRing, now: u64) -> Reply {
        let error = |code: &str| Reply::json(400, &json!({ "error": code }));
        if !self.client_authenticated(form, authorization) {
            return Reply::json(401, &json!({ "error": "invalid_client" }));
        }
        if form.get("grant_type") != Some("authorization_code") {
            return error("unsupported_grant_type");
        }
        let Some((_, grant)) = form.get("code").and_then(|c| self.grants.remove(c)) else {
            return error("invalid_grant");
        };
        let verifier = form.get("code_verifier").unwrap_or_default();
        let challenge = b64(digest::digest(&digest::SHA256, verifier.as_bytes()).as_ref());
        if grant.expires_at <= now
            || challenge != grant.challenge
            || form.get("redirect_uri") != Some(grant.redirect_uri.as_str())
        {
            return error("invalid_grant");
        }
        let claims = json!({
            "iss": self.issuer,
            "sub": grant.email.to_ascii_lowercase(),
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "email": grant.email,
            "email_verified": true,
            "name": grant.name,
        });
        match jws::sign_es256(keys, &claims) {
            Ok(id_token) => Reply::json(
                200,
                &json!({ "access_token": random_token(keys.rng(), 32).unwrap_or_default(), "token_type": "Bearer", "expires_in": 300, "id_token": id_token }),
            ),
            Err(_) => Reply::json(500, &json!({ "error": "server_error" })),
        }
    }

    fn client_authenticated(&self, form: &Form, authorization: Option<&str>) -> bool {
        let basic = authorization
            .and_then(|h| h.strip_prefix("Basic "))
            .and_then(|b| {
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b.trim()).ok()
            })
            .and_then(|b| String::from_utf8(b).ok())
            .map(|pair| {
                let (id, secret) = pair.split_once(':').unwrap_or((&pair, ""));
                (form::decode(id), form::decode(secret))
            });
        let (id, secret) = match basic {
            Some(pair) => pair,
            None => (
                form.get("client_id").unwrap_or_default().to_string(),
                form.get("client_secret").unwrap_or_default().to_string(),
            ),
        };
        id == CLIENT_ID
            && crate::auth::constant_time_eq(secret.as_bytes(), self.client_secret.as_bytes())
    }
}

use super::form;

/// "Ada Lovelace" from "ada.lovelace@example.com".
fn display_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    local
        .split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}
