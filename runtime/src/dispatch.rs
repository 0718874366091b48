//! A request to a worker and its answer as they cross between the gateway and a JS thread:
//! `WorkerRequest` in, `WorkerResponse` out (its body whole, or streamed over a bounded
//! channel so a slow client slows the worker down instead of filling memory). `Reply` is the
//! native object the JavaScript side (`js/dispatch.js`) answers through.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use rquickjs::class::Trace;
use rquickjs::{Array, Ctx, Exception, JsLifetime, Result, Value};
use tokio::sync::{mpsc, oneshot};

use crate::host::Host;
use crate::web::bytes::bytes_of;
use crate::RuntimeError;

/// Chunks of a streamed body that may wait for the client.
const STREAM_BUFFER_CHUNKS: usize = 16;

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

/// The JavaScript side's handle on one request's answer.
#[derive(Trace, JsLifetime)]
#[rquickjs::class]
pub(crate) struct Reply {
    #[qjs(skip_trace)]
    id: u64,
    #[qjs(skip_trace)]
    state: Rc<RefCell<ReplyState>>,
    #[qjs(skip_trace)]
    host: Rc<Host>,
    /// `waitUntil` promises still pending.
    #[qjs(skip_trace)]
    holds: Cell<usize>,
    #[qjs(skip_trace)]
    answered: Cell<bool>,
}

impl Reply {
    /// A reply for request `id`, registered with the host as in flight.
    pub(crate) fn new(id: u64, answer: oneshot::Sender<Answer>, host: Rc<Host>) -> Reply {
        let state = Rc::new(RefCell::new(ReplyState::Waiting(answer)));
        host.inflight.borrow_mut().insert(id, state.clone());
        Reply {
            id,
            state,
            host,
            holds: Cell::new(0),
            answered: Cell::new(false),
        }
    }

    fn finish(&self) {
        if !self.answered.replace(true) {
            self.host.answered(self.id, self.holds.get());
        }
    }
}

#[rquickjs::methods]
impl Reply {
    /// A `waitUntil` promise is pending: the request's work may outlive its answer.
    pub fn hold(&self) {
        self.holds.set(self.holds.get() + 1);
    }

    /// A `waitUntil` promise settled; the last one after the answer ends the request's work.
    pub fn release(&self) {
        let holds = self.holds.get().saturating_sub(1);
        self.holds.set(holds);
        if holds == 0 && self.answered.get() {
            self.host.end(self.id);
        }
    }

    /// Answers with the whole response (`body` null or a `Uint8Array`).
    pub fn full<'js>(
        &self,
        ctx: Ctx<'js>,
        status: u16,
        headers: Array<'js>,
        body: Value<'js>,
    ) -> Result<()> {
        let headers = header_map(&ctx, &headers)?;
        let body = if body.is_null() || body.is_undefined() {
            Bytes::new()
        } else {
            bytes_of(&ctx, &body)?
        };
        self.finish();
        if let ReplyState::Waiting(answer) =
            std::mem::replace(&mut *self.state.borrow_mut(), ReplyState::Done)
        {
            let _ = answer.send(Ok(WorkerResponse {
                status,
                headers,
                body: WorkerBody::Full(body),
            }));
        }
        Ok(())
    }

    /// Sends the status and headers; the body follows through `write` and `close`.
    pub fn start<'js>(&self, ctx: Ctx<'js>, status: u16, headers: Array<'js>) -> Result<()> {
        let headers = header_map(&ctx, &headers)?;
        let mut state = self.state.borrow_mut();
        if let ReplyState::Waiting(answer) = std::mem::replace(&mut *state, ReplyState::Done) {
            let (chunks, body) = mpsc::channel(STREAM_BUFFER_CHUNKS);
            if answer
                .send(Ok(WorkerResponse {
                    status,
                    headers,
                    body: WorkerBody::Stream(body),
                }))
                .is_ok()
            {
                *state = ReplyState::Streaming(chunks);
            }
        }
        Ok(())
    }

    /// Sends one body chunk; returns a promise when the client is behind (await it before the
    /// next chunk), `undefined` otherwise. Throws once the client has gone away.
    pub fn write<'js>(&self, ctx: Ctx<'js>, chunk: Value<'js>) -> Result<Value<'js>> {
        let bytes = bytes_of(&ctx, &chunk)?;
        let chunks = match &*self.state.borrow() {
            ReplyState::Streaming(chunks) => chunks.clone(),
            _ => {
                return Err(Exception::throw_type(
                    &ctx,
                    "the response has already ended",
                ))
            }
        };
        match chunks.try_send(Ok(bytes)) {
            Ok(()) => Ok(Value::new_undefined(ctx)),
            Err(mpsc::error::TrySendError::Full(item)) => {
                let promise = self.host.spawn_op(
                    &ctx,
                    async move {
                        chunks
                            .send(item)
                            .await
                            .map_err(|_| "the client went away".to_string())
                    },
                    |ctx, ()| Ok(Value::new_undefined(ctx.clone())),
                )?;
                Ok(promise.into_value())
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                Err(Exception::throw_type(&ctx, "the client went away"))
            }
        }
    }

    /// Ends a streamed body.
    pub fn close(&self) {
        self.finish();
        *self.state.borrow_mut() = ReplyState::Done;
    }

    /// Fails the request with what the worker threw; `null` is the engine out of memory.
    pub fn fail<'js>(&self, error: Value<'js>) {
        self.finish();
        let out_of_memory = crate::report::is_out_of_memory(&error);
        let detail = crate::report::describe(error);
        let failure = if out_of_memory {
            self.host.out_of_memory.set(true);
            RuntimeError::Memory {
                limit_bytes: self.host.memory_limit.get(),
            }
        } else {
            RuntimeError::Exception(detail)
        };
        self.state.borrow_mut().fail(failure);
    }
}

/// `[[name, value], ...]` as a header map; names and values the HTTP layer cannot carry are a
/// `TypeError`. Values are byte strings: each character is one byte.
pub(crate) fn header_map<'js>(ctx: &Ctx<'js>, pairs: &Array<'js>) -> Result<HeaderMap> {
    let mut map = HeaderMap::with_capacity(pairs.len());
    for pair in pairs.iter::<Array>() {
        let pair = pair?;
        let name: String = pair.get(0)?;
        let value: String = pair.get(1)?;
        let bytes: Vec<u8> = if value.chars().all(|c| (c as u32) < 256) {
            value.chars().map(|c| c as u8).collect()
        } else {
            value.into_bytes()
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&bytes),
        ) else {
            return Err(Exception::throw_type(
                ctx,
                &format!("Invalid header: {name}"),
            ));
        };
        map.append(name, value);
    }
    Ok(map)
}

/// A header value as a byte string.
pub(crate) fn latin1(value: &HeaderValue) -> String {
    value.as_bytes().iter().map(|&b| b as char).collect()
}
