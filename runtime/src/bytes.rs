//! Bytes out of JavaScript values: the contents of an `ArrayBuffer`, a typed array or a
//! `DataView`, copied at once so no JavaScript can run while they are borrowed.

use bytes::Bytes;
use rquickjs::{ArrayBuffer, Ctx, Exception, Result, TypedArray, Value};

/// A copy of the bytes a buffer or view covers; anything else is a `TypeError`, worded as
/// workerd words it for a stream that yields something other than bytes.
pub(crate) fn bytes_of<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Bytes> {
    if let Ok(view) = TypedArray::<u8>::from_value(value.clone()) {
        // SAFETY: the slice is copied before any JavaScript runs, so the buffer cannot be
        // detached or resized while it is borrowed.
        return Ok(Bytes::copy_from_slice(
            unsafe { view.as_bytes() }.unwrap_or_default(),
        ));
    }
    if let Some(buffer) = ArrayBuffer::from_value(value.clone()) {
        // SAFETY: as above.
        return Ok(Bytes::copy_from_slice(
            unsafe { buffer.as_bytes() }.unwrap_or_default(),
        ));
    }
    if let Some(object) = value.as_object() {
        if let Ok(buffer) = object.get::<_, ArrayBuffer>("buffer") {
            let offset: usize = object.get("byteOffset")?;
            let length: usize = object.get("byteLength")?;
            // SAFETY: as above.
            let all = unsafe { buffer.as_bytes() }.unwrap_or_default();
            let part = all
                .get(offset..offset.saturating_add(length))
                .unwrap_or_default();
            return Ok(Bytes::copy_from_slice(part));
        }
    }
    Err(not_bytes(ctx))
}

fn not_bytes(ctx: &Ctx<'_>) -> rquickjs::Error {
    Exception::throw_type(ctx, "This ReadableStream did not return bytes.")
}
