//! The CLI's client of a running gateway's admin API: HTTPS to the admin listener, the token
//! as a bearer credential, JSON answers; an error answer becomes the error the CLI prints.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A connection to one gateway's admin API.
pub struct Remote {
    base: String,
    token: String,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl Remote {
    /// A client of the admin listener at `gateway` (`https://host:port`), trusting `ca` as
    /// well as the usual roots; the token from `token_file` or `$SITEGATE_TOKEN`.
    pub fn new(
        gateway: &str,
        token_file: Option<&Path>,
        ca: Option<&Path>,
    ) -> anyhow::Result<Remote> {
        let url = url::Url::parse(gateway).map_err(|e| {
            anyhow::anyhow!("--gateway {gateway:?}: {e}; expected https://host:port")
        })?;
        if url.scheme() != "https" {
            anyhow::bail!("--gateway {gateway:?}: the admin API is served over https only");
        }
        let token = match token_file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
            None => std::env::var("SITEGATE_TOKEN").unwrap_or_default(),
        };
        if token.trim().is_empty() {
            anyhow::bail!(
                "no token: set SITEGATE_TOKEN (or --token-file) to a deploy or admin token"
            );
        }
        let mut builder = reqwest::Client::builder().use_rustls_tls();
        if let Some(path) = ca {
            let pem =
                std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let cert = reqwest::Certificate::from_pem(&pem)
                .map_err(|e| anyhow::anyhow!("{}: not a PEM certificate: {e}", path.display()))?;
            builder = builder.add_root_certificate(cert);
        }
        Ok(Remote {
            base: gateway.trim_end_matches('/').to_string(),
            token: token.trim().to_string(),
            client: builder.build()?,
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
        })
    }

    /// Calls `method` on `path` (after `/api/v1/sites/`) with `body`; the answer as `T`.
    pub fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> anyhow::Result<T> {
        let url = format!("{}/api/v1/sites/{path}", self.base);
        let mut request = self.client.request(method, &url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.body(body);
        }
        self.runtime.block_on(async {
            let response = request
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("{url}: {}", crate::error::chain(&e)))?;
            let status = response.status();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| anyhow::anyhow!("{url}: {}", crate::error::chain(&e)))?;
            let value: Value = serde_json::from_slice(&bytes)
                .map_err(|e| anyhow::anyhow!("{url}: {status}, and not a JSON answer: {e}"))?;
            if !status.is_success() {
                let message = value["error"].as_str().unwrap_or("no message");
                anyhow::bail!("the gateway refused ({status}): {message}");
            }
            Ok(serde_json::from_value(value)?)
        })
    }
}
