//! The HTTP client Sitegate talks to identity providers with: no redirects (docs/security.md
//! line 11), timeouts, and a cap on what one response may bring (line 36). An IdP is as
//! untrusted as site code: a discovery document, JWKS, token or userinfo response past the
//! cap is refused as it streams in, so no one IdP can push the shared gateway out of memory.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use openidconnect::{AsyncHttpClient, HttpClientError, HttpRequest, HttpResponse};

/// The most one IdP response may hold. Discovery documents, key sets and token responses
/// are a few KiB; 1 MiB leaves room for large key sets and many claims.
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// An HTTP client for IdPs (cheap to clone: the connection pool is shared).
#[derive(Clone)]
pub struct IdpHttp {
    client: reqwest::Client,
    max_bytes: usize,
}

impl IdpHttp {
    /// A client that trusts `extra_ca_pem` besides the system's roots and sends requests for
    /// `pin`'s host to its address (the development IdP, served by this same process).
    pub fn new(
        extra_ca_pem: Option<&str>,
        pin: Option<(&str, std::net::SocketAddr)>,
    ) -> Result<IdpHttp, String> {
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
        let client = builder.build().map_err(|e| e.to_string())?;
        Ok(IdpHttp {
            client,
            max_bytes: MAX_RESPONSE_BYTES,
        })
    }
}

/// What a request to an IdP failed with.
type Failed = HttpClientError<reqwest::Error>;

impl<'c> AsyncHttpClient<'c> for IdpHttp {
    type Error = Failed;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Failed>> + Send + Sync + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = request.try_into().map_err(Box::new)?;
            let mut response = self.client.execute(request).await.map_err(Box::new)?;
            if response
                .content_length()
                .is_some_and(|n| n > self.max_bytes as u64)
            {
                return Err(too_large(self.max_bytes));
            }
            let mut builder = http::Response::builder()
                .status(response.status())
                .version(response.version());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(Box::new)? {
                if body.len() + chunk.len() > self.max_bytes {
                    return Err(too_large(self.max_bytes));
                }
                body.extend_from_slice(&chunk);
            }
            builder.body(body).map_err(HttpClientError::Http)
        })
    }
}

fn too_large(max: usize) -> Failed {
    HttpClientError::Other(format!("the IdP's response is larger than {max} bytes"))
}
