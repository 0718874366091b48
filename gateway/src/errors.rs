//! Which page a failed request gets: pingora errors mapped to the gateway's own pages.

use pingora_error::{Error, ErrorSource, ErrorType};

use crate::respond::{self, Page};

/// The page for `e`, or `None` when the client is gone and nothing can be sent.
pub fn page_for(e: &Error) -> Option<Page> {
    use ErrorType::*;
    match (e.esource(), e.etype()) {
        (_, HTTPStatus(413)) => Some(respond::TOO_LARGE),
        (_, HTTPStatus(408)) => Some(respond::TIMEOUT),
        (_, HTTPStatus(code)) if *code >= 500 => Some(respond::BAD_GATEWAY),
        (_, HTTPStatus(_)) => Some(respond::BAD_REQUEST),
        (ErrorSource::Upstream, ConnectTimedout | ReadTimedout | WriteTimedout) => {
            Some(respond::GATEWAY_TIMEOUT)
        }
        (ErrorSource::Upstream, _) => Some(respond::BAD_GATEWAY),
        (ErrorSource::Downstream, ReadTimedout) => Some(respond::TIMEOUT),
        (ErrorSource::Downstream, ReadError | WriteError | ConnectionClosed | WriteTimedout) => {
            None
        }
        (ErrorSource::Downstream, _) => Some(respond::BAD_REQUEST),
        (ErrorSource::Internal | ErrorSource::Unset, ConnectTimedout) => {
            Some(respond::GATEWAY_TIMEOUT)
        }
        (
            ErrorSource::Internal | ErrorSource::Unset,
            ConnectRefused | ConnectNoRoute | ConnectError | TLSHandshakeFailure,
        ) => Some(respond::BAD_GATEWAY),
        (ErrorSource::Internal | ErrorSource::Unset, _) => Some(respond::INTERNAL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(source: ErrorSource, etype: ErrorType) -> Option<u16> {
        let mut e = Error::new(etype);
        e.esource = source;
        page_for(&e).map(|p| p.status)
    }

    #[test]
    fn upstream_failures_map_to_502_and_timeouts_to_504() {
        assert_eq!(
            status(ErrorSource::Upstream, ErrorType::ConnectRefused),
            Some(502)
        );
        assert_eq!(
            status(ErrorSource::Upstream, ErrorType::ReadTimedout),
            Some(504)
        );
        assert_eq!(
            status(ErrorSource::Upstream, ErrorType::ConnectTimedout),
            Some(504)
        );
    }

    #[test]
    fn gone_clients_get_nothing_and_slow_ones_408() {
        assert_eq!(
            status(ErrorSource::Downstream, ErrorType::ConnectionClosed),
            None
        );
        assert_eq!(
            status(ErrorSource::Downstream, ErrorType::ReadTimedout),
            Some(408)
        );
        assert_eq!(
            status(ErrorSource::Internal, ErrorType::HTTPStatus(413)),
            Some(413)
        );
    }
}
