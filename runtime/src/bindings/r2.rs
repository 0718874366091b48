//! The R2 binding: a bucket on local storage (`r2::local`, behind the `ObjectStore` trait in
//! `r2::store`). `js/r2.js` builds the `R2Bucket` API over one native function per bucket,
//! `op(name, argumentsJson, body)`, whose promise resolves to `[resultJson, bytes | null]`;
//! the storage work runs on a blocking thread of the I/O runtime, off the JS thread.

mod listing;
mod local;
mod multipart;
mod store;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use bytes::Bytes;
use rquickjs::{Array, Ctx, Exception, Function, Result, TypedArray, Value};
use serde::Deserialize;

use crate::host::Host;
use crate::web::bytes::bytes_of;
use local::LocalStore;
use store::{Conditions, Found, ListOptions, NewObject, ObjectStore, R2Error, RangeSpec};

/// One call on a bucket, as `js/r2.js` sends it.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
enum Call {
    Head {
        key: String,
    },
    #[serde(rename_all = "camelCase")]
    Get {
        key: String,
        #[serde(default)]
        only_if: Conditions,
        range: Option<RangeSpec>,
    },
    #[serde(rename_all = "camelCase")]
    Put {
        key: String,
        object: NewObject,
        #[serde(default)]
        only_if: Conditions,
    },
    Delete {
        keys: Vec<String>,
    },
    List {
        options: ListOptions,
    },
    CreateMultipart {
        key: String,
        object: NewObject,
    },
    UploadPart {
        key: String,
        upload: String,
        number: u32,
    },
    AbortMultipart {
        key: String,
        upload: String,
    },
    CompleteMultipart {
        key: String,
        upload: String,
        parts: Vec<(u32, String)>,
    },
}

/// What a call gives back: JSON, and the bytes of a `get`.
type Output = (String, Option<Bytes>);

fn to_json<T: serde::Serialize>(value: &T) -> std::result::Result<String, R2Error> {
    serde_json::to_string(value).map_err(|e| R2Error::internal(&e))
}

/// Runs `call` on `store` (with `body`, for puts and parts).
fn run(store: &dyn ObjectStore, call: Call, body: Bytes) -> std::result::Result<Output, R2Error> {
    let json = match call {
        Call::Head { key } => to_json(&store.head(&key)?)?,
        Call::Get {
            key,
            only_if,
            range,
        } => {
            return match store.get(&key, &only_if, range.as_ref())? {
                Found::Missing => Ok(("null".into(), None)),
                Found::Unmet(meta) => Ok((to_json(&meta)?, None)),
                Found::Body(meta, bytes) => Ok((to_json(&meta)?, Some(bytes))),
            }
        }
        Call::Put {
            key,
            object,
            only_if,
        } => to_json(&store.put(&key, body, &object, &only_if)?)?,
        Call::Delete { keys } => {
            store.delete(&keys)?;
            "null".into()
        }
        Call::List { options } => to_json(&store.list(&options)?)?,
        Call::CreateMultipart { key, object } => to_json(&store.create_multipart(&key, &object)?)?,
        Call::UploadPart {
            key,
            upload,
            number,
        } => to_json(&store.upload_part(&key, &upload, number, body)?)?,
        Call::AbortMultipart { key, upload } => {
            store.abort_multipart(&key, &upload)?;
            "null".into()
        }
        Call::CompleteMultipart { key, upload, parts } => {
            to_json(&store.complete_multipart(&key, &upload, &parts)?)?
        }
    };
    Ok((json, None))
}

/// The `R2Bucket` object for the bucket stored in `dir`.
pub(crate) fn binding<'js>(ctx: &Ctx<'js>, host: &Rc<Host>, dir: &Path) -> Result<Value<'js>> {
    let store: Arc<dyn ObjectStore> = Arc::new(
        LocalStore::open(dir)
            .map_err(|e| Exception::throw_internal(ctx, &format!("R2 bucket: {}", e.message)))?,
    );
    let host = host.clone();
    let op = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, args: String, body: Value<'js>| -> Result<Value<'js>> {
            let call: Call = serde_json::from_str(&args)
                .map_err(|e| Exception::throw_type(&ctx, &format!("R2 call: {e}")))?;
            let body = if body.is_null() || body.is_undefined() {
                Bytes::new()
            } else {
                bytes_of(&ctx, &body)?
            };
            let store = store.clone();
            let work = async move {
                tokio::task::spawn_blocking(move || run(&*store, call, body))
                    .await
                    .map_err(|e| format!("{e} (10001)"))?
                    .map_err(|e| format!("{} ({})", e.message, e.code))
            };
            let promise = host.spawn_op(&ctx, work, |ctx, (json, bytes): Output| {
                let result = Array::new(ctx.clone())?;
                result.set(0, json)?;
                match bytes {
                    Some(bytes) => {
                        result.set(1, TypedArray::<u8>::new(ctx.clone(), bytes.as_ref())?)?
                    }
                    None => result.set(1, Value::new_null(ctx.clone()))?,
                }
                Ok(result.into_value())
            })?;
            Ok(promise.into_value())
        },
    )?;
    let make: Function = crate::js::internal(ctx)?.get("r2Bucket")?;
    make.call((op,))
}
