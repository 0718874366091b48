//! `BufferSource` access for natives: the bytes an `ArrayBuffer`, typed array or `DataView`
//! shows, copied out (so no JavaScript can run while they are borrowed), and bytes written
//! into a view.

use bytes::Bytes;
use rquickjs::{ArrayBuffer, Ctx, Exception, Function, Object, Result, Value};

/// A view's buffer and the window of it the view shows.
struct Window<'js> {
    buffer: ArrayBuffer<'js>,
    offset: usize,
    length: usize,
}

/// Whether `value` is a typed array or a `DataView`.
pub fn is_view<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<bool> {
    let array_buffer: Object = ctx.globals().get("ArrayBuffer")?;
    let is_view: Function = array_buffer.get("isView")?;
    is_view.call((value.clone(),))
}

fn window<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Option<Window<'js>>> {
    if let Some(buffer) = ArrayBuffer::from_value(value.clone()) {
        let length = buffer.as_raw().map_or(0, |raw| raw.len());
        return Ok(Some(Window {
            buffer,
            offset: 0,
            length,
        }));
    }
    if !is_view(ctx, value)? {
        return Ok(None);
    }
    let Some(view) = value.as_object() else {
        return Ok(None);
    };
    Ok(
        ArrayBuffer::from_value(view.get("buffer")?).map(|buffer| Window {
            buffer,
            offset: view.get("byteOffset").unwrap_or(0),
            length: view.get("byteLength").unwrap_or(0),
        }),
    )
}

/// A copy of the bytes of a `BufferSource`, or `None` when `value` is not one (a detached
/// buffer reads as empty).
pub fn buffer_source<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Option<Vec<u8>>> {
    let Some(window) = window(ctx, value)? else {
        return Ok(None);
    };
    let Some(raw) = window.buffer.as_raw() else {
        return Ok(Some(Vec::new()));
    };
    // SAFETY: the pointer comes from the engine for this live buffer, and no JavaScript runs
    // between taking it and copying out of it, so the memory cannot move or be detached.
    let all = unsafe { raw.as_ref() };
    Ok(Some(
        all.get(window.offset..window.offset + window.length)
            .unwrap_or_default()
            .to_vec(),
    ))
}

/// A copy of the bytes of a `BufferSource`, for bodies and blobs; anything else is a
/// `TypeError`, worded as workerd words it for a stream that yields something other than bytes.
pub fn bytes_of<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Bytes> {
    buffer_source(ctx, value)?
        .map(Bytes::from)
        .ok_or_else(|| Exception::throw_type(ctx, "This ReadableStream did not return bytes."))
}

/// Writes `bytes` at the start of the view `value` (which must be at least that long).
pub fn write_into<'js>(ctx: &Ctx<'js>, value: &Value<'js>, bytes: &[u8]) -> Result<()> {
    let Some(window) = window(ctx, value)? else {
        return Err(Exception::throw_type(ctx, "not a BufferSource"));
    };
    let Some(mut raw) = window.buffer.as_raw() else {
        return Ok(());
    };
    // SAFETY: as in `buffer_source`; the engine owns the memory and nothing else holds a
    // reference into it while this slice lives.
    let all = unsafe { raw.as_mut() };
    if let Some(target) = all.get_mut(window.offset..window.offset + bytes.len().min(window.length))
    {
        target.copy_from_slice(&bytes[..target.len()]);
    }
    Ok(())
}
