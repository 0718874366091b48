//! Signing in through the gateway's development IdP the way a browser does: follow each
//! redirect by hand (so tests can stop anywhere and tamper), keeping cookies in a jar.

use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::Url;

use crate::client::Client;

/// A browser-like client with its own cookie jar.
pub struct Browser {
    /// The HTTP client (redirects not followed).
    pub http: reqwest::Client,
    /// Its cookies.
    pub jar: Arc<Jar>,
    /// The gateway's HTTPS port.
    pub port: u16,
}

/// Each hop of a sign-in, for tests that want to replay or tamper with one.
#[derive(Debug, Clone, Default)]
pub struct Hops {
    /// The sign-in host URL the site redirected to.
    pub signin: String,
    /// The development IdP's authorize URL.
    pub authorize: String,
    /// The sign-in host callback URL the IdP redirected to (code + state).
    pub idp_callback: String,
    /// The site callback URL with the one-time code.
    pub site_callback: String,
    /// Where the site callback finally sent the browser.
    pub landed: String,
}

impl Browser {
    /// A browser trusting the gateway's CA.
    pub fn new(ca_pem: &str, port: u16) -> Browser {
        let jar = Arc::new(Jar::default());
        let http = Client::builder(ca_pem, port)
            .cookie_provider(jar.clone())
            .build()
            .expect("client");
        Browser { http, jar, port }
    }

    /// `https://<host>:<port><path>`
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}{path}", self.port)
    }

    /// GET without following redirects; returns status and `Location`.
    pub async fn get(&self, url: &str) -> (u16, Option<String>) {
        let resp = self
            .http
            .get(url)
            .header("sec-fetch-mode", "navigate")
            .send()
            .await
            .expect("request");
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (resp.status().as_u16(), location)
    }

    /// The cookie header the jar would send to `url`.
    pub fn cookies_for(&self, url: &str) -> String {
        let url = Url::parse(url).expect("url");
        self.jar
            .cookies(&url)
            .and_then(|v| v.to_str().ok().map(str::to_string))
            .unwrap_or_default()
    }

    /// Signs in as `email` starting from `path` on `host`, through the development IdP.
    /// Returns the hops; panics with the hop that failed.
    pub async fn sign_in(&self, host: &str, path: &str, email: &str) -> Hops {
        let mut hops = Hops::default();
        let (status, location) = self.get(&self.url(host, path)).await;
        assert_eq!(
            status, 302,
            "the site should send an anonymous visitor to sign in"
        );
        hops.signin = location.expect("Location to the sign-in host");
        let (status, location) = self.get(&hops.signin).await;
        assert_eq!(
            status, 302,
            "the sign-in host should send the visitor to the IdP"
        );
        hops.authorize = location.expect("Location to the IdP");
        let (status, _) = self.get(&hops.authorize).await;
        assert_eq!(status, 200, "the development IdP shows its sign-in page");
        let query = hops
            .authorize
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default();
        let form = format!("{query}&email={}", email.replace('@', "%40"));
        let post_url = hops
            .authorize
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        let resp = self
            .http
            .post(&post_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .expect("approve");
        assert_eq!(resp.status().as_u16(), 303, "the IdP approves");
        hops.idp_callback = resp.headers()["location"].to_str().unwrap().to_string();
        let (status, location) = self.get(&hops.idp_callback).await;
        assert_eq!(status, 302, "the sign-in host finishes OIDC");
        hops.site_callback = location.expect("Location to the site callback");
        let (status, location) = self.get(&hops.site_callback).await;
        assert_eq!(status, 302, "the site swaps the code for its session");
        hops.landed = location.expect("Location back to return_to");
        hops
    }

    /// Signs in again on `host` through the IdP (after dropping the SSO session), as a
    /// visitor who clicked "sign in as someone else" would.
    pub async fn sign_in_again(&self, host: &str) -> Hops {
        let sso = format!("https://auth.test.localhost:{}/logout", self.port);
        let _ = self.get(&sso).await;
        let site = self.url(host, "/.sitegate/logout");
        let _ = self.get(&site).await;
        self.sign_in(host, "/", "dora@acme.test").await
    }

    /// Signs in on a second site of a workspace whose SSO session the browser already has:
    /// no IdP page. Returns the final `Location`.
    pub async fn sso(&self, host: &str, path: &str) -> String {
        let (status, location) = self.get(&self.url(host, path)).await;
        assert_eq!(status, 302);
        let (status, location) = self.get(&location.expect("to sign-in host")).await;
        assert_eq!(status, 302);
        let site_callback = location.expect("straight to the site callback (SSO)");
        assert!(
            site_callback.contains("/.sitegate/callback?"),
            "SSO should skip the IdP: {site_callback}"
        );
        let (status, location) = self.get(&site_callback).await;
        assert_eq!(status, 302);
        location.expect("return_to")
    }
}
