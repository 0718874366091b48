//! Outbound `fetch` for workers: HTTP and HTTPS exchanges on one shared client (connection
//! pooling, TLS verified against the Web PKI roots, timeouts, no proxies from the environment)
//! run on the I/O runtime. Redirects, abort signals and the Response object are handled by
//! `js/fetch.js`; this module sends one request (`internal.fetchSend`) and reads the response
//! body chunk by chunk (`internal.fetchRead`, `internal.fetchCancel`). Destinations are checked
//! against `policy`.

pub mod policy;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::net::IpAddr;
use std::rc::Rc;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use bytes::Bytes;
use rquickjs::{Array, Ctx, Exception, Function, JsLifetime, Object, Result, TypedArray, Value};
use tokio::sync::Mutex;

use crate::bytes::bytes_of;
use crate::dispatch::{header_map, latin1};
use crate::host::Host;

/// The client every worker's outbound requests share.
static CLIENT: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(100))
        .pool_idle_timeout(Duration::from_secs(30))
        .dns_resolver(Arc::new(policy::CheckedResolver))
        .build()
        .expect("the outbound HTTP client builds")
});

/// Response bodies being read, by id.
#[derive(JsLifetime, Default)]
struct OpenBodies {
    open: RefCell<HashMap<u64, Arc<Mutex<reqwest::Response>>>>,
    last: Cell<u64>,
}

/// Defines `internal.fetchSend`, `internal.fetchRead` and `internal.fetchCancel`.
pub(crate) fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>, host: &Rc<Host>) -> Result<()> {
    ctx.store_userdata(OpenBodies::default())
        .map_err(|_| rquickjs::Error::new_from_js("fetch", "userdata"))?;
    let sender = host.clone();
    let send = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, method: String, url: String, headers: Array<'js>, body: Value<'js>| {
            send(&ctx, &sender, method, url, headers, body)
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
    method: String,
    url: String,
    headers: Array<'js>,
    body: Value<'js>,
) -> Result<Value<'js>> {
    let target = reqwest::Url::parse(&url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| Exception::throw_type(ctx, &format!("Fetch API cannot load: {url}")))?;
    let literal = match target.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        _ => None,
    };
    if literal.is_some_and(|ip| !policy::allows(ip)) {
        return Err(Exception::throw_type(
            ctx,
            &format!("Fetch API cannot load {url}: workers may not reach private addresses"),
        ));
    }
    let method = http::Method::from_bytes(method.as_bytes())
        .map_err(|_| Exception::throw_type(ctx, "Invalid HTTP method string"))?;
    let headers = header_map(ctx, &headers)?;
    let body: Option<Bytes> = if body.is_null() || body.is_undefined() {
        None
    } else {
        Some(bytes_of(ctx, &body)?)
    };
    let exchange = async move {
        let mut request = CLIENT.request(method, target).headers(headers);
        if let Some(body) = body {
            request = request.body(body);
        }
        request.send().await.map_err(|e| network_error(&e))
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

/// What a failed exchange tells the worker (no more than workerd does: no addresses).
fn network_error(error: &reqwest::Error) -> String {
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        detail = inner.to_string();
        source = inner.source();
    }
    if error.is_timeout() {
        "Network connection lost: the request timed out.".into()
    } else if detail.contains("private address") {
        format!("Fetch failed: {detail}")
    } else {
        "Network connection lost.".into()
    }
}
