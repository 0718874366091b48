//! How the gateway handled a request (`Outcome`): the access line's field and a bounded
//! metrics label; and why it answered with one of its own error pages (`Failure`).

/// How the gateway handled a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was decided: the request failed before or outside the gateway's own steps.
    Error,
    /// Sent to an upstream.
    Proxied,
    /// Answered by the site's worker.
    Worker,
    /// Answered from the site's static assets.
    Asset,
    /// The worker failed after its response had started.
    WorkerFailedMidStream,
    /// Redirected to HTTPS.
    HttpsRedirect,
    /// Answered by the sign-in host (or its console).
    SigninHost,
    /// Answered by a sign-in endpoint on a site host.
    SigninEndpoint,
    /// Sent to sign in.
    LoginRequired,
    /// Answered with one of the gateway's error pages.
    Failed(Failure),
}

/// Why the gateway answered with one of its own error pages (`respond` picks the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The header block is over the limit.
    HeadersTooLarge,
    /// The request named no usable host.
    NoHost,
    /// No site is served at the host.
    UnknownHost,
    /// The TLS SNI named another site or the sign-in host.
    Misdirected,
    /// The body is over the site's limit.
    BodyTooLarge,
    /// The path is malformed or refused.
    BadPath,
    /// The bearer token is unknown, expired or revoked.
    InvalidToken,
    /// The policy refused access.
    Denied,
    /// A WebSocket upgrade from a page of an origin the site does not trust.
    CrossOriginWebSocket,
    /// The worker site has no version that can be served.
    WorkerMissing,
    /// No static asset at the path, and no worker to ask.
    AssetNotFound,
    /// The worker threw or failed to answer.
    WorkerError,
    /// The worker went over its CPU or memory limit.
    WorkerLimit,
    /// The worker's version could not be loaded.
    BackendUnavailable,
}

impl Outcome {
    /// The name in the access line and the metrics label.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Error => "error",
            Outcome::Proxied => "proxied",
            Outcome::Worker => "worker",
            Outcome::Asset => "asset",
            Outcome::WorkerFailedMidStream => "worker_failed_mid_stream",
            Outcome::HttpsRedirect => "https_redirect",
            Outcome::SigninHost => "signin_host",
            Outcome::SigninEndpoint => "signin_endpoint",
            Outcome::LoginRequired => "login_required",
            Outcome::Failed(failure) => match failure {
                Failure::HeadersTooLarge => "headers_too_large",
                Failure::NoHost => "no_host",
                Failure::UnknownHost => "unknown_host",
                Failure::Misdirected => "misdirected",
                Failure::BodyTooLarge => "body_too_large",
                Failure::BadPath => "bad_path",
                Failure::InvalidToken => "invalid_token",
                Failure::Denied => "denied",
                Failure::CrossOriginWebSocket => "cross_origin_websocket",
                Failure::WorkerMissing => "worker_missing",
                Failure::AssetNotFound => "asset_not_found",
                Failure::WorkerError => "worker_error",
                Failure::WorkerLimit => "worker_limit",
                Failure::BackendUnavailable => "backend_unavailable",
            },
        }
    }
}
