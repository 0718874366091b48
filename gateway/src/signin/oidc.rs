//! The OpenID Connect relying party: discovery (cached, refreshed when a token names an
//! unknown key), the authorization URL with state, nonce and PKCE (S256), and the code
//! exchange with full ID token verification (signature by an asymmetric algorithm only, RSA
//! keys of at least 2048 bits, `iss`, `aud`, `azp`, `exp`, `iat`, `nbf`, `nonce`, a non-empty
//! `sub`), and the check of the `end_session_endpoint` logout may send browsers to
//! (docs/security.md lines 10 and 33). The HTTP client never follows redirects.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJsonWebKey, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, JsonWebKeySet, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse,
};
use policy::UserPrincipal;
use serde_json::Value;

use super::idp_http::IdpHttp;
use crate::config::IdpConfig;

#[cfg(test)]
mod tests;

/// A client made from discovery metadata.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What discovery yields: the client, and what logout does about the IdP's
/// `end_session_endpoint`.
struct Discovered {
    client: Client,
    end_session: EndSession,
}

/// What logout does after ending the session here (docs/security.md line 33).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndSession {
    /// The IdP advertises no `end_session_endpoint` (or discovery failed): the signed-out page.
    NotOffered,
    /// Send the browser to this endpoint: `https://` (or `http://` on loopback), no control
    /// characters.
    Redirect(String),
    /// The IdP advertises an endpoint we refuse to send browsers to; the reason is for the log.
    Refused(String),
}

impl EndSession {
    /// Judges the `end_session_endpoint` text exactly as discovery gave it.
    pub fn judge(advertised: Option<&str>) -> EndSession {
        let Some(raw) = advertised else {
            return EndSession::NotOffered;
        };
        if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return EndSession::Refused("it contains control characters or whitespace".into());
        }
        match url::Url::parse(raw) {
            Ok(url) if IdpConfig::is_allowed_url(&url) => EndSession::Redirect(url.to_string()),
            Ok(url) => EndSession::Refused(format!(
                "{url} is neither https:// nor http:// on a loopback host"
            )),
            Err(e) => EndSession::Refused(format!("not a URL: {e}")),
        }
    }
}

/// How far an ID token's `iat` and `nbf` may lie in the future: the clock skew we allow
/// between the IdP and us.
pub const CLOCK_SKEW: Duration = Duration::from_secs(60);

/// The smallest RSA modulus, in bits, of a key an ID token may be signed with.
const MIN_RSA_BITS: usize = 2048;

/// How long discovery metadata (and its JWKS) is reused before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// Algorithms an ID token may be signed with: asymmetric only, so neither `none` nor an HMAC
/// keyed with a public key (or with the client secret) is ever accepted.
const ALLOWED_ALGS: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// Why a sign-in with an IdP failed. Shown to visitors only as a category.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// Discovery or JWKS could not be fetched or parsed.
    #[error("discovery failed for {issuer}: {detail}")]
    Discovery {
        /// The issuer.
        issuer: String,
        /// What went wrong.
        detail: String,
    },
    /// The token endpoint refused the code or could not be reached.
    #[error("code exchange failed: {0}")]
    Exchange(String),
    /// The ID token failed verification.
    #[error("ID token rejected: {0}")]
    Token(String),
}

/// What a completed sign-in yields: the claims, mapped as the IdP's config says.
pub type SignedIn = UserPrincipal;

/// One IdP's relying-party side, with its discovery cache.
pub struct Provider {
    config: IdpConfig,
    http: IdpHttp,
    redirect: RedirectUrl,
    cached: RwLock<Option<(Instant, Arc<Discovered>)>>,
}

impl Provider {
    /// A provider for `config`, using `http` (which must not follow redirects), redirecting
    /// back to `callback_url`.
    pub fn new(
        config: IdpConfig,
        http: IdpHttp,
        callback_url: &str,
    ) -> Result<Provider, OidcError> {
        let redirect =
            RedirectUrl::new(callback_url.to_string()).map_err(|e| OidcError::Discovery {
                issuer: config.issuer.to_string(),
                detail: format!("bad callback URL: {e}"),
            })?;
        Ok(Provider {
            config,
            http,
            redirect,
            cached: RwLock::new(None),
        })
    }

    /// The IdP's configuration.
    pub fn config(&self) -> &IdpConfig {
        &self.config
    }

    async fn discovered(&self, refresh: bool) -> Result<Arc<Discovered>, OidcError> {
        if !refresh {
            let cached = self
                .cached
                .read()
                .map_err(|_| self.discovery_error("cache poisoned"))?;
            if let Some((at, discovered)) = cached.as_ref() {
                if at.elapsed() < METADATA_TTL {
                    return Ok(discovered.clone());
                }
            }
        }
        let issuer = IssuerUrl::new(
            self.config
                .issuer
                .as_str()
                .trim_end_matches('/')
                .to_string(),
        )
        .map_err(|e| self.discovery_error(&e.to_string()))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| self.discovery_error(&crate::error::chain(&e)))?;
        let end_session = EndSession::judge(
            metadata
                .additional_metadata()
                .end_session_endpoint
                .as_ref()
                .map(|url| url.as_str()),
        );
        let (keys, weak) = strong_keys(metadata.jwks());
        if !weak.is_empty() {
            tracing::warn!(idp = self.config.name, keys = ?weak, "JWKS keys refused: RSA under {MIN_RSA_BITS} bits");
        }
        let metadata = metadata.set_jwks(keys);
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.0.clone())),
        )
        .set_redirect_uri(self.redirect.clone());
        let discovered = Arc::new(Discovered {
            client,
            end_session,
        });
        if let Ok(mut cached) = self.cached.write() {
            *cached = Some((Instant::now(), discovered.clone()));
        }
        Ok(discovered)
    }

    fn discovery_error(&self, detail: &str) -> OidcError {
        OidcError::Discovery {
            issuer: self.config.issuer.to_string(),
            detail: detail.to_string(),
        }
    }

    /// The URL to send the browser to, carrying our `state`, `nonce` and the S256 challenge
    /// of `pkce_verifier`.
    pub async fn authorize_url(
        &self,
        state: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<String, OidcError> {
        let discovered = self.discovered(false).await?;
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
            pkce_verifier.to_string(),
        ));
        let (state, nonce) = (state.to_string(), nonce.to_string());
        let mut request = discovered
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                move || Nonce::new(nonce),
            )
            .set_pkce_challenge(challenge);
        for scope in self.config.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        Ok(request.url().0.to_string())
    }

    /// Exchanges `code` (with the PKCE verifier) and verifies the ID token against `nonce`.
    /// A token signed by a key not in the cached JWKS triggers one fresh discovery.
    pub async fn finish(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<SignedIn, OidcError> {
        let discovered = self.discovered(false).await?;
        let exchange = discovered
            .client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()));
        let response = exchange
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(crate::error::chain(&e)))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::Token("the token response has no id_token".into()))?;
        let nonce = Nonce::new(nonce.to_string());
        let verified = {
            let verifier = discovered
                .client
                .id_token_verifier()
                .set_allowed_algs(ALLOWED_ALGS);
            id_token.claims(&verifier, &nonce).map(|_| ())
        };
        if let Err(first) = verified {
            // Keys rotate: refetch the JWKS once when the signing key is unknown to us.
            let fresh = self.discovered(true).await?;
            let verifier = fresh
                .client
                .id_token_verifier()
                .set_allowed_algs(ALLOWED_ALGS);
            id_token
                .claims(&verifier, &nonce)
                .map_err(|e| OidcError::Token(format!("{e} (before key refresh: {first})")))?;
        }
        self.claims(&id_token.to_string(), crate::clock::now())
    }

    /// Checks what the library leaves to us (`iat` and `nbf` in the future, `azp`, an empty
    /// `sub`) and maps the verified token's payload to claims, using the configured claim
    /// names.
    fn claims(&self, compact_jwt: &str, now: u64) -> Result<SignedIn, OidcError> {
        let payload = compact_jwt
            .split('.')
            .nth(1)
            .ok_or_else(|| OidcError::Token("malformed JWT".into()))?;
        let bytes =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .map_err(|e| OidcError::Token(format!("payload: {e}")))?;
        let raw: HashMap<String, Value> = serde_json::from_slice(&bytes)
            .map_err(|e| OidcError::Token(format!("payload: {e}")))?;
        check_claims(&raw, &self.config.client_id, now).map_err(OidcError::Token)?;
        let text = |name: &str| raw.get(name).and_then(Value::as_str).map(str::to_string);
        let subject = text("sub").ok_or_else(|| OidcError::Token("no sub claim".into()))?;
        let issuer = text("iss").ok_or_else(|| OidcError::Token("no iss claim".into()))?;
        let email_verified = match raw.get("email_verified") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        };
        let idp_groups = match raw.get(&self.config.groups_claim) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        Ok(UserPrincipal {
            idp: self.config.name.clone(),
            issuer,
            subject,
            email: text(&self.config.email_claim),
            email_verified,
            name: text(&self.config.name_claim),
            idp_groups,
        })
    }

    /// What logout does about the IdP's `end_session_endpoint` (from the same cached
    /// discovery as sign-in).
    pub async fn end_session(&self) -> EndSession {
        match self.discovered(false).await {
            Ok(discovered) => discovered.end_session.clone(),
            Err(_) => EndSession::NotOffered,
        }
    }
}

/// The claims of a signature-checked ID token that the `openidconnect` verifier does not
/// check: `iat` and `nbf` no later than `now` plus [`CLOCK_SKEW`], `azp` (required when `aud`
/// has several values) equal to `client_id`, and a non-empty `sub`.
fn check_claims(raw: &HashMap<String, Value>, client_id: &str, now: u64) -> Result<(), String> {
    let latest = now.saturating_add(CLOCK_SKEW.as_secs()) as f64;
    match raw.get("iat").and_then(Value::as_f64) {
        Some(iat) if iat <= latest => {}
        Some(iat) => return Err(format!("iat {iat} is in the future (now {now})")),
        None => return Err("no numeric iat claim".into()),
    }
    match raw.get("nbf") {
        None => {}
        Some(nbf) => match nbf.as_f64() {
            Some(nbf) if nbf <= latest => {}
            Some(nbf) => return Err(format!("nbf {nbf} is in the future (now {now})")),
            None => return Err("nbf is not a number".into()),
        },
    }
    let several_audiences = matches!(raw.get("aud"), Some(Value::Array(a)) if a.len() > 1);
    match raw.get("azp") {
        Some(Value::String(azp)) if azp == client_id => {}
        Some(azp) => return Err(format!("azp {azp} is not our client id")),
        None if several_audiences => return Err("several audiences and no azp".into()),
        None => {}
    }
    match raw.get("sub") {
        Some(Value::String(sub)) if !sub.is_empty() => Ok(()),
        _ => Err("sub is missing or empty".into()),
    }
}

/// The JWKS without its RSA keys under [`MIN_RSA_BITS`] (and RSA keys without a readable
/// modulus), and the `kid`s of the keys left out.
fn strong_keys(jwks: &CoreJsonWebKeySet) -> (CoreJsonWebKeySet, Vec<String>) {
    let (mut kept, mut weak) = (Vec::new(), Vec::new());
    for key in jwks.keys() {
        if rsa_bits(key).is_none_or(|bits| bits >= MIN_RSA_BITS) {
            kept.push(key.clone());
        } else {
            let json = serde_json::to_value(key).unwrap_or_default();
            weak.push(json["kid"].as_str().unwrap_or("(no kid)").to_string());
        }
    }
    (JsonWebKeySet::new(kept), weak)
}

/// For an RSA key, the bit length of its modulus `n` (0 if unreadable); `None` for other keys.
fn rsa_bits(key: &CoreJsonWebKey) -> Option<usize> {
    let json = serde_json::to_value(key).unwrap_or_default();
    if json["kty"] != "RSA" {
        return None;
    }
    let n = json["n"]
        .as_str()
        .and_then(|n| {
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, n).ok()
        })
        .unwrap_or_default();
    let n: Vec<u8> = n.into_iter().skip_while(|b| *b == 0).collect();
    Some(match n.first() {
        Some(top) => n.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    })
}
