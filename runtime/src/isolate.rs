//! One site version's QuickJS runtime: its own heap under `Limits::memory_bytes`, a stack
//! limit, and a CPU-time budget per call enforced by an interrupt handler that reads the
//! thread's CPU clock. An isolate lives on one thread; a call that breaks a limit fails alone
//! and the isolate stays usable.

#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use rquickjs::promise::PromiseState;
use rquickjs::{Context, Ctx, FromJs, Function, Module, Object, Persistent, Promise, Runtime};

use crate::cpu::thread_cpu_time;
use crate::host::Host;
use crate::modules::{ConfinedLoader, ConfinedResolver};
use crate::report::describe;
use crate::RuntimeError;

/// Per-isolate resource limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest heap, in bytes.
    pub memory_bytes: usize,
    /// Largest JS stack, in bytes (must stay below the thread's real stack).
    pub stack_bytes: usize,
    /// CPU time one call (a request) may use.
    pub cpu_per_call: Duration,
}

impl Default for Limits {
    /// 128 MiB of heap, 256 KiB of stack, 50 ms of CPU per call.
    fn default() -> Self {
        Limits {
            memory_bytes: 128 << 20,
            stack_bytes: 256 << 10,
            cpu_per_call: Duration::from_millis(50),
        }
    }
}

/// A loaded site version's JavaScript runtime.
pub struct Isolate {
    // Dropped before `runtime` (field order): a context must not outlive its runtime.
    context: Context,
    runtime: Runtime,
    limits: Limits,
    deadline: Rc<Cell<Option<Duration>>>,
    host: Rc<Host>,
    root: PathBuf,
}

impl Isolate {
    /// A fresh isolate whose modules come from `root` only.
    pub fn new(root: &Path, limits: Limits) -> Result<Isolate, RuntimeError> {
        let root = root
            .canonicalize()
            .map_err(|source| RuntimeError::Directory {
                path: root.to_path_buf(),
                source,
            })?;
        let engine = |e: rquickjs::Error| RuntimeError::Engine(e.to_string());
        let runtime = Runtime::new().map_err(engine)?;
        runtime.set_memory_limit(limits.memory_bytes);
        runtime.set_max_stack_size(limits.stack_bytes);
        let deadline: Rc<Cell<Option<Duration>>> = Rc::new(Cell::new(None));
        let watched = deadline.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || {
            watched.get().is_some_and(|d| thread_cpu_time() > d)
        })));
        runtime.set_loader(ConfinedResolver, ConfinedLoader::new(root.clone()));
        let context = Context::full(&runtime).map_err(engine)?;
        let host = Rc::new(Host::default());
        let isolate = Isolate {
            context,
            runtime,
            limits,
            deadline,
            host,
            root,
        };
        isolate.call(|ctx| {
            let globals = ctx.globals();
            let internal = Object::new(ctx.clone())?;
            internal.set("env", Object::new(ctx.clone())?)?;
            crate::js::keep_internal(&ctx, &internal)?;
            crate::host::install_timers(&ctx, &globals, &isolate.host)?;
            crate::web::install(&ctx, &internal)?;
            crate::js::run_prelude(&ctx, &internal)
        })?;
        Ok(isolate)
    }

    /// The version directory modules are loaded from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Imports the entry module (and its whole graph) and checks that its default export has a
    /// `fetch` method, as a Workers module must.
    pub fn load_entry(&self, entry: &str) -> Result<(), RuntimeError> {
        self.call(|ctx| {
            // The entry goes through the confined resolver like every other import.
            let namespace: Object = Module::import(&ctx, format!("./{entry}"))?.finish()?;
            let default: Object = namespace.get("default")?;
            let _fetch: Function = default.get("fetch")?;
            Ok(())
        })
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
            let Some(due) = self.host.timers.borrow().next_due() else {
                return Err(RuntimeError::Exception(
                    "the promise can never settle: nothing is scheduled".into(),
                ));
            };
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
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

    /// Fires every timer that is due, each in a turn of its own budget.
    pub fn run_due_timers(&self) -> Result<(), RuntimeError> {
        self.call(|ctx| self.host.fire_due_timers(&ctx))
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
        let deadline = thread_cpu_time() + self.limits.cpu_per_call;
        self.deadline.set(Some(deadline));
        let result = self.context.with(|ctx| {
            let result = f(ctx.clone());
            while ctx.execute_pending_job() {}
            result.map_err(|e| self.classify(&ctx, e, deadline))
        });
        self.deadline.set(None);
        self.runtime.run_gc();
        result
    }

    fn classify(&self, ctx: &Ctx<'_>, error: rquickjs::Error, deadline: Duration) -> RuntimeError {
        if thread_cpu_time() > deadline {
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
            rquickjs::Error::Exception => describe(ctx.catch()),
            other => other.to_string(),
        };
        if detail.contains("out of memory") {
            RuntimeError::Memory {
                limit_bytes: self.limits.memory_bytes,
            }
        } else {
            RuntimeError::Exception(detail)
        }
    }
}

impl Drop for Isolate {
    fn drop(&mut self) {
        // Persistent callbacks must go before the runtime that owns them.
        self.host.timers.borrow_mut().clear();
        self.context.with(|ctx| crate::js::forget_internal(&ctx));
    }
}
