//! A deliberately untrustworthy OpenID provider for the security tests: it serves discovery
//! (with whatever `end_session_endpoint` the test chose) and a JWKS of one ES256 key and RSA
//! keys of 512, 1024 and 2048 bits, and its token endpoint returns whatever ID token the test
//! forged (or redirects discovery elsewhere), so the tests can check that Sitegate refuses
//! each forgery.

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
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{json, Value};

/// The client id the tests configure for the fake IdP.
pub const CLIENT_ID: &str = "sitegate-test";
/// Its client secret.
pub const CLIENT_SECRET: &str = "fake-idp-client-secret";

/// The RSA keys the JWKS publishes, by modulus size (test keys, made with `openssl genpkey`).
const RSA_KEYS: [(usize, &str); 3] = [
    (512, include_str!("../fixtures/fake_idp/rsa512.pem")),
    (1024, include_str!("../fixtures/fake_idp/rsa1024.pem")),
    (2048, include_str!("../fixtures/fake_idp/rsa2048.pem")),
];

/// What discovery says about logout.
#[derive(Clone)]
enum EndSession {
    /// `<issuer>/logout`.
    Default,
    /// This exact text.
    Advertised(String),
    /// No `end_session_endpoint` at all.
    Absent,
}

struct State {
    next_token: Option<String>,
    end_session: EndSession,
    redirect_discovery_to: Option<String>,
    discovery_hits: usize,
    padding: usize,
}

/// A running fake IdP.
#[derive(Clone)]
pub struct FakeIdp {
    /// Its address.
    pub addr: SocketAddr,
    key: Arc<EcdsaKeyPair>,
    rsa: Arc<Vec<(usize, RsaPrivateKey)>>,
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
            rsa: Arc::new(
                RSA_KEYS
                    .iter()
                    .map(|(bits, pem)| (*bits, RsaPrivateKey::from_pkcs8_pem(pem).expect("key")))
                    .collect(),
            ),
            state: Arc::new(Mutex::new(State {
                next_token: None,
                end_session: EndSession::Default,
                redirect_discovery_to: None,
                discovery_hits: 0,
                padding: 0,
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

    /// Makes discovery advertise exactly `url` as `end_session_endpoint` (`None`: none at all).
    pub fn advertise_end_session(&self, url: Option<&str>) {
        self.state.lock().expect("state").end_session = match url {
            Some(url) => EndSession::Advertised(url.to_string()),
            None => EndSession::Absent,
        };
    }

    /// Makes every JSON answer (discovery, keys, token) carry `bytes` more of padding.
    pub fn pad_answers(&self, bytes: usize) {
        self.state.lock().expect("state").padding = bytes;
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

    /// Signs `claims` with RS256 and the published RSA key of `bits` bits (512, 1024 or 2048).
    pub fn sign_rs256(&self, bits: usize, claims: &Value) -> String {
        let (_, key) = self
            .rsa
            .iter()
            .find(|(b, _)| *b == bits)
            .expect("an RSA key of that size");
        let input = format!(
            "{}.{}",
            b64(
                json!({ "alg": "RS256", "typ": "JWT", "kid": format!("rsa{bits}") })
                    .to_string()
                    .as_bytes()
            ),
            b64(claims.to_string().as_bytes())
        );
        // PKCS #1 v1.5: the DER DigestInfo prefix of SHA-256, then the digest.
        let mut digest_info = vec![
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        digest_info.extend_from_slice(
            ring::digest::digest(&ring::digest::SHA256, input.as_bytes()).as_ref(),
        );
        let signature = key
            .sign(Pkcs1v15Sign::new_unprefixed(), &digest_info)
            .expect("sign");
        format!("{input}.{}", b64(&signature))
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

    /// The published RSA keys as JWKs.
    fn rsa_jwks(&self) -> Vec<Value> {
        self.rsa
            .iter()
            .map(|(bits, key)| {
                json!({ "kty": "RSA", "n": b64(&key.n().to_bytes_be()), "e": b64(&key.e().to_bytes_be()),
                        "kid": format!("rsa{bits}"), "alg": "RS256", "use": "sig" })
            })
            .collect()
    }

    async fn handle(&self, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
        let padding = self.state.lock().expect("state").padding;
        let json_reply = |mut v: Value| {
            if padding > 0 {
                v["x_padding"] = "a".repeat(padding).into();
            }
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
                        let end_session = self.state.lock().expect("state").end_session.clone();
                        let mut metadata = json!({
                            "issuer": issuer,
                            "authorization_endpoint": format!("{issuer}/authorize"),
                            "token_endpoint": format!("{issuer}/token"),
                            "jwks_uri": format!("{issuer}/jwks"),
                            "end_session_endpoint": format!("{issuer}/logout"),
                            "response_types_supported": ["code"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["ES256", "RS256", "HS256", "none"],
                        });
                        match end_session {
                            EndSession::Default => {}
                            EndSession::Advertised(url) => {
                                metadata["end_session_endpoint"] = url.into()
                            }
                            EndSession::Absent => {
                                let _ = metadata
                                    .as_object_mut()
                                    .map(|m| m.remove("end_session_endpoint"));
                            }
                        }
                        json_reply(metadata)
                    }
                }
            }
            "/jwks" => {
                let mut keys = vec![self.public_jwk()];
                keys.extend(self.rsa_jwks());
                json_reply(json!({ "keys": keys }))
            }
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
