//! A deliberately untrustworthy OpenID provider for the security tests: it serves discovery
//! and an ES256 JWKS, and its token endpoint returns whatever ID token the test forged (or
//! redirects discovery elsewhere), so the tests can check that Sitegate refuses each forgery.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

/// The client id the tests configure for the fake IdP.
pub const CLIENT_ID: &str = "sitegate-test";
/// Its client secret.
pub const CLIENT_SECRET: &str = "fake-idp-client-secret";

struct State {
    next_token: Option<String>,
    redirect_discovery_to: Option<String>,
    discovery_hits: usize,
}

/// A running fake IdP.
#[derive(Clone)]
pub struct FakeIdp {
    /// Its address.
    pub addr: SocketAddr,
    key: Arc<EcdsaKeyPair>,
    state: Arc<Mutex<State>>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn new_key() -> EcdsaKeyPair {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("key");
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).expect("key")
}

impl FakeIdp {
    /// Starts the fake IdP on a free loopback port.
    pub async fn start() -> FakeIdp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let idp = FakeIdp {
            addr: listener.local_addr().expect("addr"),
            key: Arc::new(new_key()),
            state: Arc::new(Mutex::new(State {
                next_token: None,
                redirect_discovery_to: None,
                discovery_hits: 0,
            })),
        };
        let server = idp.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let service = hyper::service::service_fn(move |req| {
                        let server = server.clone();
                        async move { server.handle(req).await }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
        });
        idp
    }

    /// `http://127.0.0.1:<port>`
    pub fn issuer(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The `[idps.<name>]` table for sitegate.toml (the secret file is written by the caller).
    pub fn config(&self, name: &str, secret_file: &str) -> String {
        format!(
            "[idps.{name}]\nissuer = \"{}\"\nclient_id = \"{CLIENT_ID}\"\nclient_secret_file = \"{secret_file}\"\n",
            self.issuer()
        )
    }

    /// The ID token the next token request receives.
    pub fn serve_token(&self, token: String) {
        self.state.lock().expect("state").next_token = Some(token);
    }

    /// Makes discovery answer with a redirect to `url` (an IdP client must not follow it).
    pub fn redirect_discovery_to(&self, url: &str) {
        self.state.lock().expect("state").redirect_discovery_to = Some(url.to_string());
    }

    /// How many times discovery was requested.
    pub fn discovery_hits(&self) -> usize {
        self.state.lock().expect("state").discovery_hits
    }

    /// Standard claims for `email`, valid now, for `nonce`.
    pub fn claims(&self, email: &str, nonce: &str) -> Value {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        json!({
            "iss": self.issuer(), "sub": format!("sub-{email}"), "aud": CLIENT_ID,
            "iat": now, "exp": now + 300, "nonce": nonce,
            "email": email, "email_verified": true, "name": "Test Person",
        })
    }

    /// Signs `claims` with the published ES256 key.
    pub fn sign(&self, claims: &Value) -> String {
        sign_es256(&self.key, "k1", claims)
    }

    /// Signs `claims` with a key that is NOT published, under the published key's `kid`.
    pub fn sign_with_unpublished_key(&self, claims: &Value) -> String {
        sign_es256(&new_key(), "k1", claims)
    }

    /// `alg: none`, no signature.
    pub fn unsigned(claims: &Value) -> String {
        let header = b64(json!({ "alg": "none", "typ": "JWT" })
            .to_string()
            .as_bytes());
        format!("{header}.{}.", b64(claims.to_string().as_bytes()))
    }

    /// HS256 keyed with `secret` (the public JWK, or the client secret).
    pub fn sign_hs256(claims: &Value, secret: &[u8]) -> String {
        let input = format!(
            "{}.{}",
            b64(json!({ "alg": "HS256", "typ": "JWT", "kid": "k1" })
                .to_string()
                .as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
        format!(
            "{input}.{}",
            b64(ring::hmac::sign(&key, input.as_bytes()).as_ref())
        )
    }

    /// The published JWK, as JSON text (what a key-confusion attack would use as HMAC key).
    pub fn public_jwk(&self) -> Value {
        let point = self.key.public_key().as_ref();
        json!({ "kty": "EC", "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..65]), "kid": "k1", "alg": "ES256", "use": "sig" })
    }

    async fn handle(&self, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
        let json_reply = |v: Value| {
            Response::builder()
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from(v.to_string())))
                .expect("response")
        };
        let path = req.uri().path().to_string();
        let response = match path.as_str() {
            "/.well-known/openid-configuration" => {
                let redirect = {
                    let mut state = self.state.lock().expect("state");
                    state.discovery_hits += 1;
                    state.redirect_discovery_to.clone()
                };
                match redirect {
                    Some(url) => Response::builder()
                        .status(302)
                        .header("location", url)
                        .body(Full::new(Bytes::new()))
                        .expect("response"),
                    None => {
                        let issuer = self.issuer();
                        json_reply(json!({
                            "issuer": issuer,
                            "authorization_endpoint": format!("{issuer}/authorize"),
                            "token_endpoint": format!("{issuer}/token"),
                            "jwks_uri": format!("{issuer}/jwks"),
                            "end_session_endpoint": format!("{issuer}/logout"),
                            "response_types_supported": ["code"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["ES256", "HS256", "none"],
                        }))
                    }
                }
            }
            "/jwks" => json_reply(json!({ "keys": [self.public_jwk()] })),
            "/token" => {
                let _ = req.into_body().collect().await;
                let token = self
                    .state
                    .lock()
                    .expect("state")
                    .next_token
                    .take()
                    .unwrap_or_default();
                json_reply(
                    json!({ "access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": token }),
                )
            }
            _ => Response::builder()
                .status(404)
                .body(Full::new(Bytes::new()))
                .expect("response"),
        };
        Ok(response)
    }
}

fn sign_es256(key: &EcdsaKeyPair, kid: &str, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(json!({ "alg": "ES256", "typ": "JWT", "kid": kid })
            .to_string()
            .as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = key
        .sign(&SystemRandom::new(), input.as_bytes())
        .expect("sign");
    format!("{input}.{}", b64(signature.as_ref()))
}
