//! The isolate's share of the event loop: its timers, the host operations in flight (work
//! done off the JS thread, such as waiting for a slow client, whose promise is settled back on
//! the JS thread) and the requests it is answering. A request's work (its timers and
//! operations) lives while the request is in flight and, once answered, while `waitUntil`
//! promises it registered are pending, for at most `WAIT_UNTIL_LIMIT`; then it is cancelled.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rquickjs::{Ctx, Function, Persistent, Promise, Result};

use crate::exchange::ReplyState;
use crate::outbound::client::SiteOutbound;
use crate::secret::Secret;
use crate::timer_queue::Timers;

/// The JavaScript side of settling an operation.
type SettleFn = Box<dyn for<'js> FnOnce(&Ctx<'js>, &Host) -> Result<()> + Send>;

/// Work to run on the isolate's thread once an operation finished, charged to the request
/// that started the operation.
pub(crate) struct Settle {
    /// The request whose turn started the operation.
    pub(crate) request: Option<u64>,
    /// What to run.
    pub(crate) run: SettleFn,
}

/// How a finished operation reaches the isolate's thread (the pool wakes that thread).
pub(crate) type Post = Arc<dyn Fn(Settle) + Send + Sync>;

/// The resolve and reject functions of an operation's promise, and the request it belongs to.
struct Op {
    resolve: Persistent<Function<'static>>,
    reject: Persistent<Function<'static>>,
    request: Option<u64>,
}

/// How long `waitUntil` work may go on after its request was answered (as in workerd).
pub(crate) const WAIT_UNTIL_LIMIT: Duration = Duration::from_secs(30);

/// The host state an isolate's natives share.
pub(crate) struct Host {
    pub(crate) timers: RefCell<Timers>,
    ops: RefCell<HashMap<u64, Op>>,
    last_op: Cell<u64>,
    post: Post,
    /// What the log calls this isolate (its site).
    pub(crate) label: RefCell<String>,
    /// The site's secrets (name, value), kept out of its console output.
    pub(crate) secrets: RefCell<Vec<(String, Secret)>>,
    /// The requests being answered, by request number.
    pub(crate) inflight: RefCell<HashMap<u64, Rc<RefCell<ReplyState>>>>,
    /// The request whose turn is running.
    pub(crate) current: Cell<Option<u64>>,
    /// CPU time used so far by each request in flight or lingering.
    pub(crate) cpu_used: RefCell<HashMap<u64, Duration>>,
    /// Answered requests whose `waitUntil` work is pending, with when it must stop.
    lingering: RefCell<HashMap<u64, Instant>>,
    /// The heap limit, for requests failed by running out of it.
    pub(crate) memory_limit: Cell<usize>,
    /// Where the site's `fetch` may go, and the client that goes there.
    pub(crate) outbound: RefCell<Rc<SiteOutbound>>,
    /// Set when a request failed because the heap ran out (the engine threw `null`, which
    /// reached a `Reply` instead of the call): the isolate is then spent.
    pub(crate) out_of_memory: Cell<bool>,
}

impl Host {
    /// A host whose finished operations are handed to `post`, for an isolate whose heap is
    /// limited to `memory_limit` bytes.
    pub(crate) fn new(post: Post, label: &str, memory_limit: usize) -> Host {
        Host {
            label: RefCell::new(label.to_string()),
            secrets: RefCell::default(),
            timers: RefCell::default(),
            ops: RefCell::default(),
            last_op: Cell::new(0),
            post,
            inflight: RefCell::default(),
            current: Cell::new(None),
            cpu_used: RefCell::default(),
            lingering: RefCell::default(),
            memory_limit: Cell::new(memory_limit),
            outbound: RefCell::default(),
            out_of_memory: Cell::new(false),
        }
    }

    /// Runs `work` on the shared I/O runtime and returns a promise that `finish` settles on
    /// the isolate's thread with its output (an `Err` rejects with a `TypeError`).
    pub(crate) fn spawn_op<'js, T, W, F>(
        &self,
        ctx: &Ctx<'js>,
        work: W,
        finish: F,
    ) -> Result<Promise<'js>>
    where
        T: Send + 'static,
        W: Future<Output = std::result::Result<T, String>> + Send + 'static,
        F: for<'a> FnOnce(&Ctx<'a>, T) -> Result<rquickjs::Value<'a>> + Send + 'static,
    {
        let (promise, resolve, reject) = ctx.promise()?;
        let id = self.last_op.get() + 1;
        self.last_op.set(id);
        let request = self.current.get();
        self.ops.borrow_mut().insert(
            id,
            Op {
                resolve: Persistent::save(ctx, resolve),
                reject: Persistent::save(ctx, reject),
                request,
            },
        );
        let post = self.post.clone();
        crate::io::spawn(async move {
            let output = work.await;
            post(Settle {
                request,
                run: Box::new(move |ctx, host: &Host| host.settle(ctx, id, output, finish)),
            });
        });
        Ok(promise)
    }

    fn settle<'js, T, F>(
        &self,
        ctx: &Ctx<'js>,
        id: u64,
        output: std::result::Result<T, String>,
        finish: F,
    ) -> Result<()>
    where
        F: for<'a> FnOnce(&Ctx<'a>, T) -> Result<rquickjs::Value<'a>>,
    {
        let Some(Op {
            resolve, reject, ..
        }) = self.ops.borrow_mut().remove(&id)
        else {
            return Ok(());
        };
        let outcome = output.and_then(|value| {
            finish(ctx, value).map_err(|e| match e {
                rquickjs::Error::Exception => crate::report::describe(ctx.catch()),
                other => other.to_string(),
            })
        });
        match outcome {
            Ok(value) => resolve.restore(ctx)?.call::<_, ()>((value,)),
            Err(message) => {
                let type_error: rquickjs::Constructor = ctx.globals().get("TypeError")?;
                let thrown: rquickjs::Value = type_error.construct((message,))?;
                reject.restore(ctx)?.call::<_, ()>((thrown,))
            }
        }
    }

    /// Whether `request` may still run: in flight, or answered with `waitUntil` work pending
    /// and within its limit.
    pub(crate) fn is_live(&self, request: u64) -> bool {
        self.inflight.borrow().contains_key(&request)
            || self
                .lingering
                .borrow()
                .get(&request)
                .is_some_and(|until| Instant::now() < *until)
    }

    /// `request` was answered: its work goes on only if `waitUntil` holds it (`holds` > 0).
    pub(crate) fn answered(&self, request: u64, holds: usize) {
        self.inflight.borrow_mut().remove(&request);
        if holds > 0 {
            self.lingering
                .borrow_mut()
                .insert(request, Instant::now() + WAIT_UNTIL_LIMIT);
        } else {
            self.end(request);
        }
    }

    /// Ends `request`'s work: its timers and pending operations are dropped.
    pub(crate) fn end(&self, request: u64) {
        self.lingering.borrow_mut().remove(&request);
        self.cpu_used.borrow_mut().remove(&request);
        self.timers.borrow_mut().cancel_request(request);
        self.ops
            .borrow_mut()
            .retain(|_, op| op.request != Some(request));
    }

    /// Whether anything could still make progress: a timer or an operation in flight.
    pub(crate) fn has_pending_work(&self) -> bool {
        !self.timers.borrow().is_empty() || !self.ops.borrow().is_empty()
    }

    /// Drops every persistent value (before the runtime goes away).
    pub(crate) fn clear(&self) {
        self.timers.borrow_mut().clear();
        self.ops.borrow_mut().clear();
    }
}
