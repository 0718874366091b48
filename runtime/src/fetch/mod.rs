//! Outbound `fetch` for workers: HTTP and HTTPS exchanges on the client of the site's
//! outbound policy (`client`), run on the I/O runtime. Redirects, abort signals and the
//! Response object are handled by `js/fetch.js`; this module sends one request
//! (`internal.fetchSend`, so every redirect hop is checked here) and reads the response body
//! chunk by chunk (`internal.fetchRead`, `internal.fetchCancel`). Destinations are checked
//! against the site's `policy`.

mod client;
pub mod policy;
#[cfg(test)]
mod tests;

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use bytes::Bytes;
use rquickjs::{Array, Ctx, Exception, Function, JsLifetime, Object, Result, TypedArray, Value};
use tokio::sync::Mutex;

use crate::dispatch::{header_map, latin1};
use crate::host::Host;
use crate::web::bytes::bytes_of;
use client::{client_for, ResolvesPrivate};
use policy::OutboundPolicy;

/// An isolate's outbound policy and, from its first request on, that policy's client.
#[derive(Default)]
pub(crate) struct SiteOutbound {
    policy: Arc<OutboundPolicy>,
    client: OnceCell<Arc<reqwest::Client>>,
}

impl SiteOutbound {
    /// Sending under `policy`.
    pub(crate) fn new(policy: Arc<OutboundPolicy>) -> SiteOutbound {
        SiteOutbound {
            policy,
            client: OnceCell::new(),
        }
    }

    fn client(&self) -> std::result::Result<reqwest::Client, String> {
        if let Some(client) = self.client.get() {
            return Ok((**client).clone());
        }
        let client = client_for(&self.policy)?;
        Ok((**self.client.get_or_init(|| client)).clone())
    }
}

/// Response bodies being read, by id.
#[derive(JsLifetime, Default)]
struct OpenBodies {
    open: RefCell<HashMap<u64, Arc<Mutex<reqwest::Response>>>>,
    last: Cell<u64>,
}

/// Defines `internal.fetchSend`, `internal.fetchRead` and `internal.fetchCancel`, sending
/// under the host's outbound policy.
pub(crate) fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>, host: &Rc<Host>) -> Result<()> {
    ctx.store_userdata(OpenBodies::default())
        .map_err(|_| rquickjs::Error::new_from_js("fetch", "userdata"))?;
    let sender = host.clone();
    let send = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, method: String, url: String, headers: Array<'js>, body: Value<'js>| {
            let site = sender.outbound.borrow().clone();
            send(&ctx, &sender, &site, method, url, headers, body)
        },
    )?;
    internal.set("fetchSend", send)?;
    let reader = host.clone();
    let read = Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u64| {
        read(&ctx, &reader, id)
    })?;
    internal.set("fetchRead", read)?;
    let cancel = Function::new(ctx.clone(), move |ctx: Ctx<'js>, id: u64| {
        if let Some(bodies) = ctx.userdata::<OpenBodies>() {
            bodies.open.borrow_mut().remove(&id);
        }
    })?;
    internal.set("fetchCancel", cancel)
}

/// Starts one exchange; the promise resolves to `[status, statusText, headerPairs, bodyId]`.
fn send<'js>(
    ctx: &Ctx<'js>,
    host: &Host,
    site: &SiteOutbound,
    method: String,
    url: String,
    headers: Array<'js>,
    body: Value<'js>,
) -> Result<Value<'js>> {
    let target = reqwest::Url::parse(&url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| Exception::throw_type(ctx, &format!("Fetch API cannot load: {url}")))?;
    if let Err(refusal) = site.policy.check(&target) {
        tracing::debug!(site = %host.label.borrow(), url = %url, %refusal, "outbound fetch refused");
        return Err(Exception::throw_type(
            ctx,
            &format!("Fetch API cannot load {url}: {refusal}."),
        ));
    }
    let client = site
        .client()
        .map_err(|message| Exception::throw_type(ctx, &message))?;
    let method = http::Method::from_bytes(method.as_bytes())
        .map_err(|_| Exception::throw_type(ctx, "Invalid HTTP method string"))?;
    let headers = header_map(ctx, &headers)?;
    let body: Option<Bytes> = if body.is_null() || body.is_undefined() {
        None
    } else {
        Some(bytes_of(ctx, &body)?)
    };
    let exchange = async move {
        let mut request = client.request(method, target).headers(headers);
        if let Some(body) = body {
            request = request.body(body);
        }
        request.send().await.map_err(|e| exchange_error(&e, &url))
    };
    let promise = host.spawn_op(ctx, exchange, |ctx, response: reqwest::Response| {
        let status = response.status();
        let pairs = Array::new(ctx.clone())?;
        for (i, (name, value)) in response.headers().iter().enumerate() {
            let pair = Array::new(ctx.clone())?;
            pair.set(0, name.as_str())?;
            pair.set(1, latin1(value))?;
            pairs.set(i, pair)?;
        }
        let bodies = ctx
            .userdata::<OpenBodies>()
            .ok_or_else(|| rquickjs::Error::new_from_js("fetch", "userdata"))?;
        let id = bodies.last.get() + 1;
        bodies.last.set(id);
        bodies
            .open
            .borrow_mut()
            .insert(id, Arc::new(Mutex::new(response)));
        let result = Array::new(ctx.clone())?;
        result.set(0, status.as_u16())?;
        result.set(1, status.canonical_reason().unwrap_or(""))?;
        result.set(2, pairs)?;
        result.set(3, id)?;
        Ok(result.into_value())
    })?;
    Ok(promise.into_value())
}

/// Reads the next chunk of body `id`: a `Uint8Array`, or `null` at the end.
fn read<'js>(ctx: &Ctx<'js>, host: &Host, id: u64) -> Result<Value<'js>> {
    let response = ctx
        .userdata::<OpenBodies>()
        .and_then(|bodies| bodies.open.borrow().get(&id).cloned())
        .ok_or_else(|| Exception::throw_type(ctx, "This response body was cancelled."))?;
    let next = async move {
        response
            .lock()
            .await
            .chunk()
            .await
            .map_err(|e| network_error(&e))
    };
    let promise = host.spawn_op(ctx, next, move |ctx, chunk: Option<Bytes>| match chunk {
        Some(bytes) => Ok(TypedArray::<u8>::new(ctx.clone(), bytes.as_ref())?.into_value()),
        None => {
            if let Some(bodies) = ctx.userdata::<OpenBodies>() {
                bodies.open.borrow_mut().remove(&id);
            }
            Ok(Value::new_null(ctx.clone()))
        }
    })?;
    Ok(promise.into_value())
}

/// What a failed exchange for `url` tells the worker: that the policy refused every address
/// its host resolves to (without naming them), else as for any network failure.
fn exchange_error(error: &reqwest::Error, url: &str) -> String {
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        if let Some(refused) = inner.downcast_ref::<ResolvesPrivate>() {
            return format!("Fetch API cannot load {url}: {refused}.");
        }
        source = inner.source();
    }
    network_error(error)
}

/// What a network failure tells the worker (no more than workerd does: no addresses).
fn network_error(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "Network connection lost: the request timed out.".into()
    } else {
        "Network connection lost.".into()
    }
}
