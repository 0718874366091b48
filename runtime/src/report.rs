//! Where errors thrown by site code outside any request go: the log, never a visitor.

use rquickjs::{Ctx, Error, Value};

/// What QuickJS throws when it cannot even allocate the "out of memory" error: `null`.
const OUT_OF_MEMORY: &str = "out of memory (the engine threw null: no room for an error object)";

/// "Name: message" and the stack of a thrown value. A thrown `null` is how the engine reports
/// running out of memory, so it reads "out of memory" (a site's own `throw null` too).
pub(crate) fn describe(thrown: Value<'_>) -> String {
    if thrown.is_null() {
        return OUT_OF_MEMORY.to_string();
    }
    match thrown.as_exception() {
        Some(e) => format!(
            "{}\n{}",
            e.message().unwrap_or_default(),
            e.stack().unwrap_or_default()
        ),
        None => format!("{thrown:?}"),
    }
}

/// Whether `thrown` is the engine running out of heap: `null` (no room for an error object)
/// or the `InternalError: out of memory` it throws when one allocation does not fit.
pub(crate) fn is_out_of_memory(thrown: &Value<'_>) -> bool {
    if thrown.is_null() {
        return true;
    }
    thrown.as_exception().is_some_and(|e| {
        e.get::<_, String>("name")
            .is_ok_and(|n| n == "InternalError")
            && e.message().is_some_and(|m| m == "out of memory")
    })
}

/// Reports an exception no caller is waiting for (a timer callback that threw, say).
pub(crate) fn uncaught(ctx: &Ctx<'_>, error: Error) {
    let detail = match error {
        Error::Exception => describe(ctx.catch()),
        other => other.to_string(),
    };
    tracing::warn!(target: "sitegate::worker", "uncaught exception: {detail}");
}
