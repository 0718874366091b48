//! The Web APIs workers use, as native classes installed on each isolate's global object.

// `#[rquickjs::methods]` generates undocumented associated constants; every hand-written
// item in these modules is documented.
#[allow(missing_docs)]
pub mod headers;

use rquickjs::{Class, Ctx, Result};

/// Defines the Web API globals on a fresh context.
pub fn install(ctx: &Ctx<'_>) -> Result<()> {
    Class::<headers::Headers>::define(&ctx.globals())
}
