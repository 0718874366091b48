//! The async context `AsyncLocalStorage` reads (`internal.asyncContext.get()/set(frame)`),
//! carried along promises by the runtime's promise hook: a promise made while a frame is
//! current keeps that frame (on a symbol-keyed property), and the frame is current again while
//! the promise's reactions run (the engine reports them as BEFORE and AFTER the promise).
//! Until a site first sets a frame, the hook itself allocates nothing and reads no property
//! (the patched engine still makes one throwaway promise per `await` while a hook is set).

use std::cell::{Cell, RefCell};

use rquickjs::promise::PromiseHookType;
use rquickjs::runtime::PromiseHook;
use rquickjs::{Ctx, Function, JsLifetime, Object, Persistent, Result, Symbol, Value};

type Frame = Persistent<Value<'static>>;

/// The isolate's async context, kept as context userdata.
#[derive(JsLifetime)]
struct AsyncContext {
    /// The property key frames are kept under on promises.
    key: Persistent<Symbol<'static>>,
    /// The frame current now (`None`: no storage has a store).
    current: RefCell<Option<Frame>>,
    /// The frames to return to when the reactions running now end.
    saved: RefCell<Vec<Option<Frame>>>,
    /// Whether a frame was ever set (until then the hook has nothing to do).
    used: Cell<bool>,
}

/// Defines `internal.asyncContext`.
pub(crate) fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>) -> Result<()> {
    let key = Symbol::with_description(ctx.clone(), "sitegate.asyncContext")?;
    let state = AsyncContext {
        key: Persistent::save(ctx, key),
        current: RefCell::new(None),
        saved: RefCell::new(Vec::new()),
        used: Cell::new(false),
    };
    ctx.store_userdata(state)
        .map_err(|_| rquickjs::Error::new_from_js("async context", "userdata"))?;
    let api = Object::new(ctx.clone())?;
    api.set(
        "get",
        Function::new(ctx.clone(), |ctx: Ctx<'js>| -> Result<Value<'js>> {
            match ctx.userdata::<AsyncContext>() {
                Some(state) => match state.current.borrow().clone() {
                    Some(frame) => frame.restore(&ctx),
                    None => Ok(Value::new_undefined(ctx.clone())),
                },
                None => Ok(Value::new_undefined(ctx.clone())),
            }
        })?,
    )?;
    api.set(
        "set",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, frame: Value<'js>| {
            if let Some(state) = ctx.userdata::<AsyncContext>() {
                let frame = (!frame.is_undefined()).then(|| Persistent::save(&ctx, frame));
                state.used.set(state.used.get() || frame.is_some());
                *state.current.borrow_mut() = frame;
            }
        })?,
    )?;
    internal.set("asyncContext", api)
}

/// The promise hook that carries frames along promises.
pub(crate) fn hook() -> PromiseHook {
    Box::new(|ctx, kind, promise, _parent| {
        let Some(state) = ctx.userdata::<AsyncContext>() else {
            return;
        };
        match kind {
            PromiseHookType::Init => {
                let frame = state.current.borrow().clone();
                if let (Some(frame), Some(promise)) = (frame, promise.as_object()) {
                    let keep = state
                        .key
                        .clone()
                        .restore(&ctx)
                        .and_then(|key| promise.set(key, frame.restore(&ctx)?));
                    if keep.is_err() {
                        // Out of memory: the promise runs without the frame.
                        let _ = ctx.catch();
                    }
                }
            }
            PromiseHookType::Before => {
                let frame = if state.used.get() {
                    promise.as_object().and_then(|promise| {
                        let key = state.key.clone().restore(&ctx).ok()?;
                        let frame: Value = promise.get(key).ok()?;
                        (!frame.is_undefined()).then(|| Persistent::save(&ctx, frame))
                    })
                } else {
                    None
                };
                let previous = state.current.replace(frame);
                state.saved.borrow_mut().push(previous);
            }
            PromiseHookType::After => {
                if let Some(previous) = state.saved.borrow_mut().pop() {
                    *state.current.borrow_mut() = previous;
                }
            }
            PromiseHookType::Resolve => {}
        }
    })
}
