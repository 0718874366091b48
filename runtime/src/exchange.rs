//! A request to a worker and its answer as they cross between the gateway and a JS thread:
//! `WorkerRequest` in, `WorkerResponse` out (its body whole, or streamed over a channel), and
//! where each request's answer stands while the worker works on it.

use bytes::Bytes;
use http::HeaderMap;
use tokio::sync::{mpsc, oneshot};

use crate::RuntimeError;

/// A request for a worker, as the gateway received and checked it.
#[derive(Debug)]
pub struct WorkerRequest {
    /// The method.
    pub method: http::Method,
    /// The public URL (`https://<site host>/<path>?<query>`).
    pub url: String,
    /// The headers (identity headers already set by the gateway).
    pub headers: HeaderMap,
    /// The whole body (empty for none).
    pub body: Bytes,
}

/// A worker's response.
#[derive(Debug)]
pub struct WorkerResponse {
    /// The status code.
    pub status: u16,
    /// The headers, `Set-Cookie` entries kept apart.
    pub headers: HeaderMap,
    /// The body.
    pub body: WorkerBody,
}

/// A response body.
#[derive(Debug)]
pub enum WorkerBody {
    /// Known in full (possibly empty).
    Full(Bytes),
    /// Produced as the worker goes; an `Err` item means the worker failed mid-stream.
    Stream(mpsc::Receiver<std::result::Result<Bytes, String>>),
}

/// The outcome of a dispatch.
pub type Answer = std::result::Result<WorkerResponse, RuntimeError>;

/// Where a request's answer stands.
pub(crate) enum ReplyState {
    /// Nothing sent yet.
    Waiting(oneshot::Sender<Answer>),
    /// Headers sent; body chunks go here.
    Streaming(mpsc::Sender<std::result::Result<Bytes, String>>),
    /// Answered.
    Done,
}

impl ReplyState {
    /// Fails the request: an error answer if nothing was sent, else a broken stream.
    pub(crate) fn fail(&mut self, error: RuntimeError) {
        match std::mem::replace(self, ReplyState::Done) {
            ReplyState::Waiting(answer) => {
                let _ = answer.send(Err(error));
            }
            ReplyState::Streaming(chunks) => {
                let _ = chunks.try_send(Err(error.to_string()));
            }
            ReplyState::Done => {}
        }
    }
}
