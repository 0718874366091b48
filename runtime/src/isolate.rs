//! One site version's QuickJS runtime: its own heap under `Limits::memory_bytes`, a stack
//! limit, and a CPU-time budget per call enforced by an interrupt handler that reads the
//! thread's CPU clock. An isolate lives on one thread; a call that breaks a limit fails alone
//! and the isolate stays usable.

#[cfg(test)]
mod tests;

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use rquickjs::promise::PromiseState;
use rquickjs::{
    Context, Ctx, FromJs, Function, Module, Object, Persistent, Promise, Runtime, Value,
};
use tokio::sync::oneshot;

use crate::bytecode::Loaded;
use crate::cpu::Clock;
use crate::dispatch::Reply;
use crate::exchange::{Answer, WorkerRequest};
use crate::host::{Host, Post, Settle};
use crate::js_http::header_pairs;
use crate::modules::{ConfinedLoader, ConfinedResolver, Refusals};
use crate::outbound::client::SiteOutbound;
use crate::report::describe;
use crate::{Bindings, OutboundPolicy, RuntimeError};

/// What a site gives its isolate besides code and limits.
#[derive(Debug, Clone, Default)]
pub struct SiteSetup {
    /// Where its `fetch` may go.
    pub outbound: Arc<OutboundPolicy>,
    /// What its `env` holds.
    pub bindings: Arc<Bindings>,
}

/// Per-isolate resource limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Largest heap, in bytes.
    pub memory_bytes: usize,
    /// Largest JS stack, in bytes (must stay below the thread's real stack).
    pub stack_bytes: usize,
    /// CPU time one call (a request) may use.
    pub cpu_per_call: Duration,
}

impl Default for Limits {
    /// 128 MiB of heap, 1 MiB of stack (QuickJS's own default), 50 ms of CPU per call.
    /// QuickJS takes several times the stack V8 does per call: 1 MiB holds some 1,500 nested
    /// calls in the optimized engine (workerd allows about 9,000). Server-side React rendering
    /// of a deep component tree needs hundreds, and React catches a stack overflow to render
    /// the rest later, losing part of the page.
    fn default() -> Self {
        Limits {
            memory_bytes: 128 << 20,
            stack_bytes: 1 << 20,
            cpu_per_call: Duration::from_millis(50),
        }
    }
}

/// Heap size at which the first garbage collection runs.
const GC_THRESHOLD: usize = 1 << 20;

/// CPU time for setting an isolate up: the prelude and the site's top-level module code.
const STARTUP_CPU: Duration = Duration::from_secs(1);

/// How many promise jobs run between two readings of the call's CPU clock.
const JOBS_PER_CLOCK_READ: u32 = 64;

/// What a call's CPU time is charged to.
#[derive(Debug, Clone, Copy)]
enum Turn {
    /// Setting the isolate up, under `STARTUP_CPU`.
    Startup,
    /// A turn of a request (or of no request), under what the request has left.
    Request(Option<u64>),
}

/// A limit a call broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    Cpu,
    Memory,
}

/// A loaded site version's JavaScript runtime.
pub struct Isolate {
    // Dropped before `runtime` (field order): a context must not outlive its runtime.
    context: Context,
    runtime: Runtime,
    limits: Limits,
    clock: Rc<Clock>,
    host: Rc<Host>,
    /// Finished operations, when this isolate is not on a pool thread (which has its own).
    settled: Option<mpsc::Receiver<Settle>>,
    /// The entry module's default export.
    handler: RefCell<Option<Persistent<Value<'static>>>>,
    /// Set once a call broke a limit: the heap may hold half-done work.
    spent: Cell<Option<Limit>>,
    root: PathBuf,
    /// The bytecode the runtime reads in place; dropped after it (field order).
    loaded: Loaded,
    /// The imports the loader refused, to tell an unloadable entry from a throwing one.
    refusals: Refusals,
}

impl Isolate {
    /// A fresh isolate whose modules come from `root` only, under the default outbound policy
    /// and with no bindings.
    pub fn new(root: &Path, limits: Limits) -> Result<Isolate, RuntimeError> {
        Isolate::with_site(root, limits, SiteSetup::default())
    }

    /// A fresh isolate whose modules come from `root` only and whose `fetch` may reach what
    /// `outbound` allows.
    pub fn with_outbound(
        root: &Path,
        limits: Limits,
        outbound: Arc<OutboundPolicy>,
    ) -> Result<Isolate, RuntimeError> {
        let site = SiteSetup {
            outbound,
            ..SiteSetup::default()
        };
        Isolate::with_site(root, limits, site)
    }

    /// A fresh isolate whose modules come from `root` only, set up for `site`.
    pub fn with_site(
        root: &Path,
        limits: Limits,
        site: SiteSetup,
    ) -> Result<Isolate, RuntimeError> {
        let (sender, settled) = mpsc::channel::<Settle>();
        let sender = std::sync::Mutex::new(sender);
        let post: Post = Arc::new(move |settle| {
            let _ = sender.lock().map(|s| s.send(settle));
        });
        let mut isolate = Isolate::with_post(root, limits, "isolate", site, post)?;
        isolate.settled = Some(settled);
        Ok(isolate)
    }

    /// A fresh isolate whose finished operations are handed to `post` (a pool thread's
    /// channel); `label` names it in the log (the site).
    pub(crate) fn with_post(
        root: &Path,
        limits: Limits,
        label: &str,
        site: SiteSetup,
        post: Post,
    ) -> Result<Isolate, RuntimeError> {
        Isolate::blank(post)?.for_site(root, limits, label, site)
    }

    /// An isolate with the Web APIs set up but no site yet (`for_site` gives it one), under
    /// the default limits; a pool thread keeps one ready so a new site's first request does not
    /// wait for this.
    pub(crate) fn blank(post: Post) -> Result<Isolate, RuntimeError> {
        let limits = Limits::default();
        let engine = |e: rquickjs::Error| RuntimeError::Engine(e.to_string());
        let runtime = Runtime::new().map_err(engine)?;
        runtime.set_memory_limit(limits.memory_bytes);
        // No collection while the isolate sets up (it would walk the whole new heap); QuickJS
        // moves the threshold after each collection.
        runtime.set_gc_threshold(GC_THRESHOLD);
        runtime.set_max_stack_size(limits.stack_bytes);
        let clock = Rc::new(Clock::default());
        let watched = clock.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || watched.over())));
        runtime.set_promise_hook(Some(crate::builtins::promise_hook()));
        let context = Context::full(&runtime).map_err(engine)?;
        let isolate = Isolate {
            context,
            runtime,
            limits,
            clock,
            host: Rc::new(Host::new(post, "blank", limits.memory_bytes)),
            settled: None,
            handler: RefCell::new(None),
            spent: Cell::new(None),
            root: PathBuf::new(),
            loaded: Loaded::default(),
            refusals: Refusals::default(),
        };
        isolate.call_for(Turn::Startup, |ctx| {
            let globals = ctx.globals();
            let internal = Object::new(ctx.clone())?;
            internal.set("env", Object::new(ctx.clone())?)?;
            crate::js::keep_internal(&ctx, &internal)?;
            crate::timers::install_timers(&ctx, &globals, &isolate.host)?;
            crate::console::install(&ctx, &internal, &isolate.host)?;
            crate::fetch::install(&ctx, &internal, &isolate.host)?;
            crate::web::install(&ctx, &internal)?;
            crate::builtins::install(&ctx, &internal)?;
            crate::js::hide_native_globals(&ctx)?;
            crate::js::run_prelude(&ctx, &isolate.loaded)?;
            crate::builtins::install_globals(&ctx)?;
            // What every request needs (the dispatcher, Request, Response), loaded now rather
            // than on a site's first request.
            let internal = crate::js::internal(&ctx)?;
            for entry in ["serve", "makeRequest", "responseParts"] {
                internal.get::<_, rquickjs::Value>(entry)?;
            }
            Ok(())
        })?;
        Ok(isolate)
    }

    /// Gives a blank isolate its site: modules from `root` only, `limits`, the log's `label`,
    /// the outbound policy of its `fetch` and the bindings of its `env`.
    pub(crate) fn for_site(
        mut self,
        root: &Path,
        limits: Limits,
        label: &str,
        site: SiteSetup,
    ) -> Result<Isolate, RuntimeError> {
        self.root = root
            .canonicalize()
            .map_err(|source| RuntimeError::Directory {
                path: root.to_path_buf(),
                source,
            })?;
        self.runtime.set_memory_limit(limits.memory_bytes);
        self.runtime.set_max_stack_size(limits.stack_bytes);
        self.runtime.set_loader(
            ConfinedResolver::new(self.refusals.clone()),
            ConfinedLoader::new(
                self.root.clone(),
                self.loaded.clone(),
                self.refusals.clone(),
                self.clock.clone(),
            ),
        );
        self.limits = limits;
        *self.host.label.borrow_mut() = label.to_string();
        *self.host.secrets.borrow_mut() = site.bindings.secrets.clone();
        self.host.memory_limit.set(limits.memory_bytes);
        *self.host.outbound.borrow_mut() = Rc::new(SiteOutbound::new(site.outbound));
        self.call_for(Turn::Startup, |ctx| {
            let env: Object = crate::js::internal(&ctx)?.get("env")?;
            crate::bindings::fill_env(&ctx, &env, &self.host, &site.bindings)
        })?;
        Ok(self)
    }

    /// The version directory modules are loaded from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Imports the entry module (and its whole graph) and keeps its default export, which must
    /// have a `fetch` method (an object, or a `WorkerEntrypoint` class), as a Workers module
    /// must. An import of the graph that is refused (a missing file, say) is a
    /// `RuntimeError::Module`.
    pub fn load_entry(&self, entry: &str) -> Result<(), RuntimeError> {
        let handler = self.call_for(Turn::Startup, |ctx| {
            self.refusals.clear();
            // The entry goes through the confined resolver like every other import.
            let namespace: Object = Module::import(&ctx, format!("./{entry}"))
                .and_then(|imported| imported.finish())
                .map_err(|e| self.refusals.unloadable(&ctx, e))?;
            let default: Value = namespace.get("default")?;
            let has_fetch = match default.as_object() {
                Some(o) if default.is_function() => o
                    .get::<_, Object>("prototype")
                    .is_ok_and(|p| p.get::<_, Function>("fetch").is_ok()),
                Some(o) => o.get::<_, Function>("fetch").is_ok(),
                None => false,
            };
            if !has_fetch {
                return Err(rquickjs::Exception::throw_type(
                    &ctx,
                    "the entry module's default export has no fetch handler",
                ));
            }
            Ok(Persistent::save(&ctx, default))
        })?;
        *self.handler.borrow_mut() = Some(handler);
        Ok(())
    }

    /// Starts answering `request` with the entry's fetch handler; the answer goes to `answer`
    /// when the worker produces it (after this call returns, usually).
    pub(crate) fn serve(&self, id: u64, request: WorkerRequest, answer: oneshot::Sender<Answer>) {
        let reply = Reply::new(id, answer, self.host.clone());
        let started = self.call_for(Turn::Request(Some(id)), |ctx| {
            let internal = crate::js::internal(&ctx)?;
            let serve: Function = internal.get("serve")?;
            let env: Value = internal.get("env")?;
            let handler = match self.handler.borrow().clone() {
                Some(handler) => handler.restore(&ctx)?,
                None => return Err(rquickjs::Exception::throw_internal(&ctx, "no entry loaded")),
            };
            let headers = header_pairs(&ctx, &request.headers)?;
            let body = if request.body.is_empty() {
                Value::new_null(ctx.clone())
            } else {
                rquickjs::TypedArray::<u8>::new(ctx.clone(), request.body.as_ref())?.into_value()
            };
            let reply = rquickjs::Class::instance(ctx.clone(), reply)?;
            serve.call::<_, ()>((
                handler,
                env,
                request.method.as_str(),
                request.url,
                headers,
                body,
                reply,
            ))
        });
        if let Err(error) = started {
            let state = self.host.inflight.borrow_mut().remove(&id);
            if let Some(state) = state {
                state.borrow_mut().fail(error);
            }
            self.host.end(id);
        }
    }

    /// Runs finished operation `settle` in a turn of its own, unless its request's work is
    /// over.
    pub(crate) fn settle(&self, settle: Settle) -> Result<(), RuntimeError> {
        if self.over(settle.request) {
            return Ok(());
        }
        self.call_for(Turn::Request(settle.request), |ctx| {
            (settle.run)(&ctx, &self.host)
        })
    }

    /// Whether `request`'s work is over (answered, and past its `waitUntil` time); its
    /// remaining timers and operations are then dropped.
    fn over(&self, request: Option<u64>) -> bool {
        match request {
            Some(r) if !self.host.is_live(r) => {
                self.host.end(r);
                true
            }
            _ => false,
        }
    }

    /// Whether a call broke a limit (the pool then retires the isolate).
    pub(crate) fn is_spent(&self) -> bool {
        self.spent.get().is_some()
    }

    /// The error for the limit a call broke (for the other requests the isolate was answering).
    pub(crate) fn limit_error(&self) -> RuntimeError {
        match self.spent.get() {
            Some(Limit::Memory) => RuntimeError::Memory {
                limit_bytes: self.limits.memory_bytes,
            },
            _ => RuntimeError::CpuBudget {
                budget_ms: self.limits.cpu_per_call.as_millis() as u64,
            },
        }
    }

    /// The bytes QuickJS has allocated for this isolate (a walk of its heap: not per request).
    pub(crate) fn heap_bytes(&self) -> usize {
        usize::try_from(self.runtime.memory_usage().malloc_size).unwrap_or(0)
    }

    /// Whether requests are being answered.
    pub(crate) fn is_busy(&self) -> bool {
        !self.host.inflight.borrow().is_empty()
    }

    /// Fails every request in flight with `error` (the isolate is retired or stuck).
    pub(crate) fn fail_inflight(&self, error: impl Fn() -> RuntimeError) {
        let inflight: Vec<_> = self.host.inflight.borrow_mut().drain().collect();
        for (id, state) in inflight {
            state.borrow_mut().fail(error());
            self.host.end(id);
        }
    }

    /// Whether a timer or an operation could still make progress.
    pub(crate) fn has_pending_work(&self) -> bool {
        self.host.has_pending_work()
    }

    /// Evaluates a script and converts its value (for the Web API layer and for tests).
    pub fn eval<T>(&self, source: &str) -> Result<T, RuntimeError>
    where
        T: for<'js> FromJs<'js>,
    {
        self.call(|ctx| ctx.eval(source))
    }

    /// Evaluates `body` as the body of an async function and runs the event loop (microtasks
    /// and timers) until its promise settles; for the Web API layer's tests and for tools.
    pub fn eval_async<T>(&self, body: &str) -> Result<T, RuntimeError>
    where
        T: for<'js> FromJs<'js> + 'static,
    {
        let promise = self.call(|ctx| {
            let promise: Promise = ctx.eval(format!("(async () => {{\n{body}\n}})()"))?;
            Ok(Persistent::save(&ctx, promise))
        })?;
        loop {
            let settled = self.call(|ctx| {
                let promise = promise.clone().restore(&ctx)?;
                match promise.state() {
                    PromiseState::Pending => Ok(None),
                    PromiseState::Resolved => promise.result::<T>().transpose(),
                    PromiseState::Rejected => {
                        let reason = promise.result::<rquickjs::Value>();
                        let detail = match reason {
                            Some(Err(rquickjs::Error::Exception)) => describe(ctx.catch()),
                            Some(Ok(value)) => describe(value),
                            other => format!("{other:?}"),
                        };
                        Err(rquickjs::Exception::throw_message(&ctx, &detail))
                    }
                }
            })?;
            if let Some(value) = settled {
                return Ok(value);
            }
            if !self.has_pending_work() {
                return Err(RuntimeError::Exception(
                    "the promise can never settle: nothing is scheduled".into(),
                ));
            }
            let wait = self
                .next_timer_due()
                .map_or(Duration::from_secs(60), |due| {
                    due.saturating_duration_since(Instant::now())
                });
            if let Some(settle) = self
                .settled
                .as_ref()
                .and_then(|rx| rx.recv_timeout(wait).ok())
            {
                self.settle(settle)?;
            }
            self.run_due_timers()?;
        }
    }

    /// Runs `f` on this isolate's context, for tests that reach natives or `internal`.
    #[cfg(test)]
    pub(crate) fn with_ctx<R>(
        &self,
        f: impl for<'js> FnOnce(Ctx<'js>) -> rquickjs::Result<R>,
    ) -> Result<R, RuntimeError> {
        self.call(f)
    }

    /// Fires every timer that is due, each in a turn of its own charged to the request that
    /// scheduled it; returns the last failure (a broken limit), if any.
    pub fn run_due_timers(&self) -> Result<(), RuntimeError> {
        let now = Instant::now();
        let mut outcome = Ok(());
        loop {
            let due = self.host.timers.borrow_mut().take_due(now);
            let Some(due) = due else {
                return outcome;
            };
            if self.over(due.request) {
                continue;
            }
            if let Err(error) = self.call_for(Turn::Request(due.request), |ctx| due.fire(&ctx)) {
                outcome = Err(error);
            }
        }
    }

    /// When this isolate's earliest timer is due, if it has one.
    pub fn next_timer_due(&self) -> Option<Instant> {
        self.host.timers.borrow().next_due()
    }

    /// Runs `f` and then the microtasks it queued, under the CPU budget, mapping engine
    /// failures to the limit that caused them.
    fn call<R>(
        &self,
        f: impl for<'js> FnOnce(Ctx<'js>) -> rquickjs::Result<R>,
    ) -> Result<R, RuntimeError> {
        self.call_for(Turn::Request(None), f)
    }

    /// `call` as a turn of `request`: its budget is what the request has left of the per-request
    /// CPU time, and the time used is charged to it.
    fn call_for<R>(
        &self,
        turn: Turn,
        f: impl for<'js> FnOnce(Ctx<'js>) -> rquickjs::Result<R>,
    ) -> Result<R, RuntimeError> {
        let (request, budget) = match turn {
            Turn::Startup => (None, STARTUP_CPU),
            Turn::Request(request) => {
                let used = request
                    .and_then(|r| self.host.cpu_used.borrow().get(&r).copied())
                    .unwrap_or_default();
                (request, self.limits.cpu_per_call.saturating_sub(used))
            }
        };
        self.clock.start(budget);
        self.host.current.set(request);
        let result = self.context.with(|ctx| {
            let result = f(ctx.clone());
            self.run_jobs(&ctx);
            match result {
                // A job stopped by the interrupt handler leaves no error behind.
                Ok(_) if self.clock.over() => Err(RuntimeError::CpuBudget {
                    budget_ms: self.limits.cpu_per_call.as_millis() as u64,
                }),
                other => other.map_err(|e| self.classify(&ctx, e)),
            }
        });
        let spent = self.clock.stop();
        self.host.current.set(None);
        if let Some(request) = request.filter(|r| self.host.is_live(*r)) {
            *self.host.cpu_used.borrow_mut().entry(request).or_default() += spent;
        }
        let broke = match &result {
            Err(RuntimeError::CpuBudget { .. }) => Some(Limit::Cpu),
            Err(RuntimeError::Memory { .. }) => Some(Limit::Memory),
            _ if self.host.out_of_memory.take() => Some(Limit::Memory),
            _ => None,
        };
        if broke.is_some() {
            self.spent.set(broke);
            self.runtime.run_gc();
        }
        result
    }

    /// Runs the queued promise jobs until none is left or the call is past its budget. The
    /// clock is read between jobs, not left to the interrupt handler alone: a loop of short
    /// jobs (`for (;;) await null`) runs little code per job, and a job that the handler
    /// stops may queue others, so only this check bounds the whole chain.
    /// The clock is read once every `JOBS_PER_CLOCK_READ` jobs (reading it is a system call).
    fn run_jobs(&self, ctx: &Ctx<'_>) {
        let mut ran = 0u32;
        while ctx.execute_pending_job() {
            ran = ran.wrapping_add(1);
            if ran.is_multiple_of(JOBS_PER_CLOCK_READ) && self.clock.over() {
                return;
            }
        }
    }

    fn classify(&self, ctx: &Ctx<'_>, error: rquickjs::Error) -> RuntimeError {
        if self.clock.over() {
            return RuntimeError::CpuBudget {
                budget_ms: self.limits.cpu_per_call.as_millis() as u64,
            };
        }
        let detail = match error {
            rquickjs::Error::Resolving {
                base,
                name,
                message,
            } => {
                return RuntimeError::Module {
                    specifier: name,
                    base,
                    reason: message.unwrap_or_default(),
                };
            }
            rquickjs::Error::Loading { name, message } => {
                return RuntimeError::Module {
                    specifier: name,
                    base: String::new(),
                    reason: message.unwrap_or_default(),
                };
            }
            rquickjs::Error::Exception => {
                let thrown = ctx.catch();
                if crate::report::is_out_of_memory(&thrown) {
                    return self.out_of_memory();
                }
                describe(thrown)
            }
            rquickjs::Error::Allocation => return self.out_of_memory(),
            other => other.to_string(),
        };
        RuntimeError::Exception(detail)
    }

    fn out_of_memory(&self) -> RuntimeError {
        RuntimeError::Memory {
            limit_bytes: self.limits.memory_bytes,
        }
    }
}

impl Drop for Isolate {
    fn drop(&mut self) {
        // Persistent callbacks must go before the runtime that owns them.
        self.host.clear();
        self.handler.borrow_mut().take();
        self.context.with(|ctx| crate::js::forget_internal(&ctx));
    }
}
