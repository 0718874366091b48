//! The gateway's error pages: what each says, and which page a failure gets.

use pingora_error::{Error, ErrorSource, ErrorType};

use crate::outcome::Failure;

/// A gateway-written error: its status, a short title and a sentence for the visitor.
#[derive(Debug, Clone, Copy)]
pub(super) struct Page {
    /// HTTP status.
    pub status: u16,
    /// Machine-readable code for JSON callers.
    pub code: &'static str,
    /// Page heading.
    pub title: &'static str,
    /// What happened, in plain words, with no internal detail.
    pub message: &'static str,
}

/// Unknown hostname.
const NOT_FOUND: Page = Page {
    status: 404,
    code: "site_not_found",
    title: "Site not found",
    message: "No site is served at this address. Check the link, or ask whoever sent it.",
};
/// SNI named one site, Host another.
const MISDIRECTED: Page = Page {
    status: 421,
    code: "misdirected_request",
    title: "Misdirected request",
    message:
        "This connection was opened for a different site. Open the address again in a new tab.",
};
/// Body over the limit.
const TOO_LARGE: Page = Page {
    status: 413,
    code: "request_too_large",
    title: "Request too large",
    message: "The request body is larger than this site accepts.",
};
/// Header block over the limit.
const HEADERS_TOO_LARGE: Page = Page {
    status: 431,
    code: "headers_too_large",
    title: "Request headers too large",
    message: "The request carried more header data than this gateway accepts. Clearing this site's cookies may help.",
};
/// Malformed or refused request (e.g. an encoded slash in the path).
const BAD_REQUEST: Page = Page {
    status: 400,
    code: "bad_request",
    title: "Bad request",
    message: "The request could not be understood.",
};
/// Client too slow sending the body.
const TIMEOUT: Page = Page {
    status: 408,
    code: "request_timeout",
    title: "Request timeout",
    message: "The request took too long to arrive.",
};
/// Upstream refused or failed.
const BAD_GATEWAY: Page = Page {
    status: 502,
    code: "bad_gateway",
    title: "Site unavailable",
    message: "The site's server could not be reached. Try again in a moment.",
};
/// Upstream too slow.
const GATEWAY_TIMEOUT: Page = Page {
    status: 504,
    code: "gateway_timeout",
    title: "Site timed out",
    message: "The site's server took too long to answer. Try again in a moment.",
};
/// A bug or unexpected failure in the gateway.
const INTERNAL: Page = Page {
    status: 500,
    code: "internal_error",
    title: "Something went wrong",
    message: "The gateway failed to handle this request.",
};
/// A bearer token that is unknown, expired or revoked.
const INVALID_TOKEN: Page = Page {
    status: 401,
    code: "invalid_token",
    title: "Invalid token",
    message: "The access token is not valid: it is unknown, expired or revoked.",
};
/// Signed in, but not allowed.
const FORBIDDEN: Page = Page {
    status: 403,
    code: "access_denied",
    title: "Access denied",
    message: "You do not have access to this site. Ask one of its admins for access.",
};
/// The backend kind is not served by this gateway build.
const BACKEND_UNAVAILABLE: Page = Page {
    status: 503,
    code: "backend_unavailable",
    title: "Site not available",
    message: "This site's backend is not available on this gateway.",
};

/// The site's worker threw or failed to answer.
const WORKER_ERROR: Page = Page {
    status: 500,
    code: "worker_error",
    title: "Site error",
    message: "This site's code failed while handling the request. Its owners can find the details in the gateway's log under the request id.",
};
/// The site's worker went over its CPU or memory limit.
const WORKER_LIMIT: Page = Page {
    status: 503,
    code: "worker_limit",
    title: "Site over its limits",
    message: "This site's code used more than its share of CPU time or memory and was stopped. Try again shortly.",
};

/// The page for `e`, or `None` when the client is gone and nothing can be sent.
pub(super) fn for_error(e: &Error) -> Option<Page> {
    use ErrorType::*;
    match (e.esource(), e.etype()) {
        (_, HTTPStatus(413)) => Some(TOO_LARGE),
        (_, HTTPStatus(408)) => Some(TIMEOUT),
        (_, HTTPStatus(code)) if *code >= 500 => Some(BAD_GATEWAY),
        (_, HTTPStatus(_)) => Some(BAD_REQUEST),
        (ErrorSource::Upstream, ConnectTimedout | ReadTimedout | WriteTimedout) => {
            Some(GATEWAY_TIMEOUT)
        }
        (ErrorSource::Upstream, _) => Some(BAD_GATEWAY),
        (ErrorSource::Downstream, ReadTimedout) => Some(TIMEOUT),
        (ErrorSource::Downstream, ReadError | WriteError | ConnectionClosed | WriteTimedout) => {
            None
        }
        (ErrorSource::Downstream, _) => Some(BAD_REQUEST),
        (ErrorSource::Internal | ErrorSource::Unset, ConnectTimedout) => Some(GATEWAY_TIMEOUT),
        (
            ErrorSource::Internal | ErrorSource::Unset,
            ConnectRefused | ConnectNoRoute | ConnectError | TLSHandshakeFailure,
        ) => Some(BAD_GATEWAY),
        (ErrorSource::Internal | ErrorSource::Unset, _) => Some(INTERNAL),
    }
}

/// The page for a failure the gateway found itself.
pub(super) fn for_failure(failure: Failure) -> Page {
    match failure {
        Failure::HeadersTooLarge => HEADERS_TOO_LARGE,
        Failure::NoHost | Failure::BadPath => BAD_REQUEST,
        Failure::UnknownHost | Failure::AssetNotFound => NOT_FOUND,
        Failure::Misdirected => MISDIRECTED,
        Failure::BodyTooLarge => TOO_LARGE,
        Failure::InvalidToken => INVALID_TOKEN,
        Failure::Denied | Failure::CrossOriginWebSocket => FORBIDDEN,
        Failure::WorkerMissing | Failure::BackendUnavailable => BACKEND_UNAVAILABLE,
        Failure::WorkerError => WORKER_ERROR,
        Failure::WorkerLimit => WORKER_LIMIT,
    }
}
