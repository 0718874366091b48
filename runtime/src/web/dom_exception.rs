//! Throwing a `DOMException` from native code: built at call time by the constructor the
//! prelude keeps on `internal` (sites cannot replace it), or the global one.

use rquickjs::{Constructor, Ctx, Error, Exception, Object};

/// Throws `new DOMException(message, name)` and returns the error to propagate.
pub fn throw(ctx: &Ctx<'_>, name: &str, message: &str) -> Error {
    let constructor = crate::js::internal(ctx)
        .and_then(|internal| internal.get::<_, Constructor>("DOMException"))
        .or_else(|_| ctx.globals().get::<_, Constructor>("DOMException"));
    let exception = constructor.and_then(|c| c.construct::<_, Object>((message, name)));
    match exception {
        Ok(exception) => ctx.throw(exception.into_value()),
        Err(_) => Exception::throw_message(ctx, &format!("{name}: {message}")),
    }
}
