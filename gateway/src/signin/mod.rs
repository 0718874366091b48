//! Sign-in across many sites (DESIGN "Sign-in across many sites"): the sign-in host runs
//! OpenID Connect with the IdPs a site accepts and keeps an SSO session; it hands each site a
//! one-time, site-bound code, which the site host swaps for its own `__Host-` session cookie.

pub mod dev_idp;
pub mod form;
pub mod host;
pub mod idp_http;
pub mod oidc;
pub mod pages;
pub mod site;
pub mod sweeper;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, RwLock};

use arc_swap::ArcSwap;
use std::time::Duration;

use crate::auth::assertion::AssertionCache;
use crate::auth::code::{CodeStore, ReplayGuard};
use crate::auth::keys::KeyRing;
use crate::auth::ratelimit::RateLimiter;
use crate::auth::return_to::validate_return_to;
use crate::auth::session::{SessionTimes, SiteSession};
use crate::auth::AuthError;
use crate::clock::now;
use crate::config::{ClientSecret, Config, IdpConfig};
use crate::GatewayError;
use form::Form;
use idp_http::IdpHttp;
use oidc::Provider;

/// How long a started sign-in (state, nonce, PKCE) may take.
pub const FLOW_TTL: u64 = 600;

/// Where the console lives on the sign-in host (served by `crate::console`): where a sign-in
/// to the console returns to.
pub const CONSOLE_PREFIX: &str = "/console";

/// One request to a sign-in endpoint, as the handlers see it.
pub struct Request<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path (already normalized).
    pub path: &'a str,
    /// Query parameters.
    pub query: Form,
    /// Form body (POST), empty otherwise.
    pub body: Form,
    /// The `Cookie` header(s), joined.
    pub cookies: String,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The request id, for error pages.
    pub request_id: &'a str,
    /// A cross-site request (`Sec-Fetch-Site: cross-site`, or an `Origin` of another host).
    pub cross_site: bool,
    /// The client's address, for the audit log.
    pub client: Option<std::net::IpAddr>,
    /// A speculative prefetch (`Sec-Purpose`/`Purpose: prefetch`, `Next-Router-Prefetch`,
    /// `X-Middleware-Prefetch`), which must have no side effects.
    pub prefetch: bool,
}

impl Request<'_> {
    /// The `return_to` query parameter when it is a safe same-origin path, else `/`.
    pub fn return_to(&self) -> String {
        self.query
            .get("return_to")
            .and_then(|r| validate_return_to(r).ok())
            .unwrap_or_else(|| "/".into())
    }
}

/// The sign-in service: keys, codes, the flow replay guard, the IdP clients.
pub struct SignIn {
    keys: ArcSwap<KeyRing>,
    keys_dir: std::path::PathBuf,
    codes: CodeStore<SiteSession>,
    used_states: ReplayGuard,
    assertions: AssertionCache,
    limiter: RateLimiter,
    dev: Option<dev_idp::DevIdp>,
    providers: RwLock<HashMap<String, (String, Arc<Provider>)>>,
    origin: String,
    host: String,
    times: SessionTimes,
    rotation: Duration,
    https_port: u16,
    dev_http: Option<IdpHttp>,
    extra_ca: Option<String>,
}

impl SignIn {
    /// The service for `config`: loads or creates keys in the state directory. `dev_ca_pem` is
    /// trusted when talking to the development IdP, which is this same process.
    pub fn new(config: &Config, dev_ca_pem: Option<&str>) -> Result<SignIn, GatewayError> {
        let signin = &config.signin;
        let fail = |e: AuthError| GatewayError::SignIn(e.to_string());
        let keys = Arc::new(
            KeyRing::load_or_create(
                &config.state_dir.join("keys"),
                signin.key_rotation,
                signin.session_lifetime,
                now(),
            )
            .map_err(fail)?,
        );
        let port = config.listen.public_https_port;
        let origin = crate::origin::https(&signin.host, port);
        let dev = if config.dev_idp {
            Some(dev_idp::DevIdp::new(&origin, &keys).map_err(fail)?)
        } else {
            None
        };
        let dev_http = if config.dev_idp {
            let listener = config.listen.https;
            let ip = if listener.ip().is_unspecified() {
                IpAddr::from([127, 0, 0, 1])
            } else {
                listener.ip()
            };
            let client = IdpHttp::new(
                dev_ca_pem,
                Some((&signin.host, SocketAddr::new(ip, listener.port()))),
            )
            .map_err(GatewayError::SignIn)?;
            Some(client)
        } else {
            None
        };
        Ok(SignIn {
            keys_dir: config.state_dir.join("keys"),
            codes: CodeStore::new(&keys, Duration::from_secs(30), 100_000),
            used_states: ReplayGuard::new(100_000),
            assertions: AssertionCache::new(Duration::from_secs(300), 100_000),
            keys: ArcSwap::new(keys),
            limiter: RateLimiter::new(
                signin.rate_limit_burst,
                signin.rate_limit_per_minute,
                100_000,
            ),
            dev,
            providers: RwLock::new(HashMap::new()),
            origin,
            host: signin.host.clone(),
            times: SessionTimes::new(signin.session_lifetime, signin.session_idle_timeout),
            rotation: signin.key_rotation,
            https_port: port,
            dev_http,
            extra_ca: config
                .upstream_ca_file
                .as_ref()
                .and_then(|p| std::fs::read_to_string(p).ok()),
        })
    }

    /// The sign-in host's name.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `https://<sign-in host>[:port]`
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The current keys (replaced when they rotate).
    pub fn keys(&self) -> Arc<KeyRing> {
        self.keys.load_full()
    }

    /// Signed identity assertions, cached per session.
    pub fn assertions(&self) -> &AssertionCache {
        &self.assertions
    }

    /// Whether `ip` may make another sign-in request now (docs/security.md line 22).
    pub fn allow_client(&self, ip: Option<IpAddr>) -> bool {
        ip.is_none_or(|ip| self.limiter.check(ip, std::time::Instant::now()).is_ok())
    }

    /// Rotates the keys when due (keeping older ones for opening), and drops expired codes,
    /// used states, cached assertions and idle rate-limit buckets.
    pub fn sweep(&self) {
        let now = now();
        let times = self.times;
        match KeyRing::load_or_create(
            &self.keys_dir,
            self.rotation,
            Duration::from_secs(times.lifetime),
            now,
        ) {
            Ok(ring) => self.keys.store(Arc::new(ring)),
            Err(e) => {
                tracing::error!(error = %e, "cannot reload sign-in keys; keeping the current ones")
            }
        }
        self.codes.sweep(now);
        self.used_states.sweep(now);
        self.assertions.sweep(now);
        self.limiter.sweep(std::time::Instant::now());
    }

    /// `https://<host>[:port]` of a site.
    pub fn site_origin(&self, host: &str) -> String {
        crate::origin::https(host, self.https_port)
    }

    /// The relying party for IdP `name` from the current config (re-made when its settings
    /// change on reload).
    pub fn provider(&self, config: &Config, name: &str) -> Option<Arc<Provider>> {
        let idp = self.idp_config(config, name)?;
        let fingerprint = format!("{}|{}|{}", idp.issuer, idp.client_id, idp.scopes.join(" "));
        if let Ok(map) = self.providers.read() {
            if let Some((known, provider)) = map.get(name) {
                if *known == fingerprint {
                    return Some(provider.clone());
                }
            }
        }
        let http = match (&self.dev_http, name) {
            (Some(client), "dev") => client.clone(),
            _ => IdpHttp::new(self.extra_ca.as_deref(), None).ok()?,
        };
        let provider = Arc::new(Provider::new(idp, http, &callback_url(&self.origin)).ok()?);
        if let Ok(mut map) = self.providers.write() {
            map.insert(name.to_string(), (fingerprint, provider.clone()));
        }
        Some(provider)
    }

    fn idp_config(&self, config: &Config, name: &str) -> Option<IdpConfig> {
        if name == "dev" {
            let dev = self.dev.as_ref()?;
            return Some(IdpConfig {
                name: "dev".into(),
                display_name: "Development sign-in".into(),
                issuer: url::Url::parse(dev.issuer()).ok()?,
                client_id: dev_idp::CLIENT_ID.into(),
                client_secret: ClientSecret(dev.client_secret().to_string()),
                scopes: vec!["openid".into(), "email".into(), "profile".into()],
                email_claim: "email".into(),
                name_claim: "name".into(),
                groups_claim: "groups".into(),
                trusted_email: false,
            });
        }
        config.idps.iter().find(|i| i.name == name).cloned()
    }
}

/// The sign-in host's OpenID Connect callback, where every IdP sends the browser back.
pub fn callback_url(signin_origin: &str) -> String {
    format!("{signin_origin}/callback")
}
