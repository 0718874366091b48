//! The OpenID Connect relying party: discovery (cached, refreshed when a token names an
//! unknown key), the authorization URL with state, nonce and PKCE (S256), and the code
//! exchange with full ID token verification (signature by an asymmetric algorithm only,
//! `iss`, `aud`, `exp`, `iat`, `nonce`). The HTTP client never follows redirects.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout,
    RedirectUrl, Scope, TokenResponse,
};
use policy::UserPrincipal;
use serde_json::Value;

use crate::config::IdpConfig;

/// A client made from discovery metadata.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What discovery yields: the client, and the `end_session_endpoint` for logout when the
/// IdP advertises one.
struct Discovered {
    client: Client,
    end_session: Option<String>,
}

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
    http: reqwest::Client,
    redirect: RedirectUrl,
    cached: RwLock<Option<(Instant, Arc<Discovered>)>>,
}

impl Provider {
    /// A provider for `config`, using `http` (which must not follow redirects), redirecting
    /// back to `callback_url`.
    pub fn new(
        config: IdpConfig,
        http: reqwest::Client,
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
        let end_session = metadata
            .additional_metadata()
            .end_session_endpoint
            .as_ref()
            .map(|url| url.to_string());
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
        self.claims(&id_token.to_string())
    }

    /// Maps the verified token's payload to claims, using the configured claim names.
    fn claims(&self, compact_jwt: &str) -> Result<SignedIn, OidcError> {
        let payload = compact_jwt
            .split('.')
            .nth(1)
            .ok_or_else(|| OidcError::Token("malformed JWT".into()))?;
        let bytes =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .map_err(|e| OidcError::Token(format!("payload: {e}")))?;
        let raw: HashMap<String, Value> = serde_json::from_slice(&bytes)
            .map_err(|e| OidcError::Token(format!("payload: {e}")))?;
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

    /// The IdP's `end_session_endpoint`, when discovery advertises one (from the same cached
    /// discovery as sign-in).
    pub async fn end_session_endpoint(&self) -> Option<String> {
        self.discovered(false).await.ok()?.end_session.clone()
    }
}

/// The HTTP client for talking to IdPs: no redirects (docs/security.md line 11), timeouts,
/// and optionally an extra trusted CA and a fixed address for one hostname (the development
/// IdP, served by this same process).
pub fn http_client(
    extra_ca_pem: Option<&str>,
    pin: Option<(&str, std::net::SocketAddr)>,
) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .user_agent("sitegate");
    if let Some(pem) = extra_ca_pem {
        let cert = reqwest::Certificate::from_pem(pem.as_bytes())
            .map_err(|e| format!("CA certificate: {e}"))?;
        builder = builder.add_root_certificate(cert);
    }
    if let Some((host, addr)) = pin {
        builder = builder.resolve(host, addr);
    }
    builder.build().map_err(|e| e.to_string())
}
