//! Where errors thrown by site code outside any request go: the log, never a visitor.

use rquickjs::{Ctx, Error, Value};

/// "Name: message" and the stack of a thrown value.
pub(crate) fn describe(thrown: Value<'_>) -> String {
    match thrown.as_exception() {
        Some(e) => format!(
            "{}\n{}",
            e.message().unwrap_or_default(),
            e.stack().unwrap_or_default()
        ),
        None => format!("{thrown:?}"),
    }
}

/// Reports an exception no caller is waiting for (a timer callback that threw, say).
pub(crate) fn uncaught(ctx: &Ctx<'_>, error: Error) {
    let detail = match error {
        Error::Exception => describe(ctx.catch()),
        other => other.to_string(),
    };
    tracing::warn!(target: "sitegate::worker", "uncaught exception: {detail}");
}
