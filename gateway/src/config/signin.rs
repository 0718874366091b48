//! The sign-in part of `sitegate.toml`: the sign-in host, session lifetimes, and the OpenID
//! Connect providers with their client secrets (from an environment variable or a file).

use std::fmt;
use std::path::Path;
use std::time::Duration;

use super::file::{IdpFile, SigninFile};
use super::Checker;

/// Sign-in host and session settings.
#[derive(Debug, Clone)]
pub struct SigninConfig {
    /// Hostname of the sign-in host.
    pub host: String,
    /// Lifetime of a site session.
    pub session_lifetime: Duration,
    /// Idle timeout of a site session.
    pub session_idle_timeout: Duration,
    /// How often the session key rotates.
    pub key_rotation: Duration,
    /// Sign-in requests a client may make at once.
    pub rate_limit_burst: u32,
    /// Sign-in requests a client may make per minute, sustained.
    pub rate_limit_per_minute: u32,
}

/// A client secret; never printed.
#[derive(Clone)]
pub struct ClientSecret(pub String);

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// One OpenID Connect provider.
#[derive(Debug, Clone)]
pub struct IdpConfig {
    /// Its name, as RBAC files reference it.
    pub name: String,
    /// Shown on the sign-in page.
    pub display_name: String,
    /// Issuer URL (exactly as the provider's `iss`).
    pub issuer: url::Url,
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: ClientSecret,
    /// Scopes requested.
    pub scopes: Vec<String>,
    /// Claim with the email address.
    pub email_claim: String,
    /// Claim with the display name.
    pub name_claim: String,
    /// Claim with group names.
    pub groups_claim: String,
    /// Whether the email claim counts without `email_verified`.
    pub trusted_email: bool,
}

impl IdpConfig {
    /// The one rule for URLs an IdP gives us (its issuer, its `end_session_endpoint`):
    /// `https://`, or plain `http://` on loopback (test and development providers).
    pub fn is_allowed_url(url: &url::Url) -> bool {
        url.scheme() == "https" || is_loopback_http(url)
    }
}

impl Checker<'_> {
    pub(super) fn signin(&mut self, file: &SigninFile, base_domain: &str) -> SigninConfig {
        let host = file
            .host
            .clone()
            .unwrap_or_else(|| format!("auth.{base_domain}"))
            .to_ascii_lowercase();
        if policy::parse_hostname(&host).is_err() {
            self.error("signin.host", format!("\"{host}\" is not a hostname"));
        }
        SigninConfig {
            host,
            session_lifetime: self.duration(
                "signin.session_lifetime",
                file.session_lifetime.as_deref(),
                12 * 3600,
            ),
            session_idle_timeout: self.duration(
                "signin.session_idle_timeout",
                file.session_idle_timeout.as_deref(),
                2 * 3600,
            ),
            rate_limit_burst: file.rate_limit_burst.unwrap_or(20),
            rate_limit_per_minute: file.rate_limit_per_minute.unwrap_or(60),
            key_rotation: self.duration(
                "signin.key_rotation",
                file.key_rotation.as_deref(),
                7 * 24 * 3600,
            ),
        }
    }

    pub(super) fn idp(&mut self, name: &str, file: &IdpFile, base: &Path) -> Option<IdpConfig> {
        let key = format!("idps.{name}");
        if name == "dev" {
            self.error(
                &key,
                "the name \"dev\" is reserved for the development identity provider ([dev_idp])",
            );
        }
        let issuer = match url::Url::parse(&file.issuer) {
            Ok(url) if IdpConfig::is_allowed_url(&url) => Some(url),
            Ok(_) => {
                self.error(
                    &format!("{key}.issuer"),
                    format!("\"{}\" must be an https:// URL", file.issuer),
                );
                None
            }
            Err(e) => {
                self.error(
                    &format!("{key}.issuer"),
                    format!("\"{}\" is not a URL: {e}", file.issuer),
                );
                None
            }
        };
        let secret = match (&file.client_secret_env, &file.client_secret_file) {
            (Some(var), None) => std::env::var(var).map_err(|_| format!("environment variable {var} is not set")),
            (None, Some(path)) => std::fs::read_to_string(base.join(path))
                .map(|s| s.trim().to_string())
                .map_err(|e| format!("cannot read {path}: {e}")),
            _ => Err("set exactly one of client_secret_env, client_secret_file (never the secret itself)".to_string()),
        };
        let secret = secret.and_then(|s| {
            if s.is_empty() {
                Err("the client secret is empty".to_string())
            } else {
                Ok(s)
            }
        });
        let secret = match secret {
            Ok(s) => Some(ClientSecret(s)),
            Err(message) => {
                self.error(&key, message);
                None
            }
        };
        let scopes = file
            .scopes
            .clone()
            .unwrap_or_else(|| vec!["openid".into(), "email".into(), "profile".into()]);
        if !scopes.iter().any(|s| s == "openid") {
            self.error(&format!("{key}.scopes"), "must include \"openid\"");
        }
        Some(IdpConfig {
            name: name.to_string(),
            display_name: file
                .display_name
                .clone()
                .unwrap_or_else(|| name.to_string()),
            issuer: issuer?,
            client_id: file.client_id.clone(),
            client_secret: secret?,
            scopes,
            email_claim: file.claims.email.clone().unwrap_or_else(|| "email".into()),
            name_claim: file.claims.name.clone().unwrap_or_else(|| "name".into()),
            groups_claim: file
                .claims
                .groups
                .clone()
                .unwrap_or_else(|| "groups".into()),
            trusted_email: file.trusted_email,
        })
    }
}

/// Plain `http://` issuers are only allowed on loopback (test and development providers).
fn is_loopback_http(url: &url::Url) -> bool {
    url.scheme() == "http"
        && match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        }
}
