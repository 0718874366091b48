//! The Web APIs workers use, as native classes installed on each isolate's global object.

// `#[rquickjs::methods]` generates undocumented associated constants; every hand-written
// item in these modules is documented.
mod base64;
#[allow(missing_docs)]
pub mod crypto;
mod dom_exception;
#[allow(missing_docs)]
pub mod encoding;
#[allow(missing_docs)]
pub mod headers;
mod pairs;
#[allow(missing_docs)]
pub mod url;

pub(crate) mod strings;

use rquickjs::{Ctx, Object, Result};

/// Defines the native Web API globals on a fresh context; natives meant only for the
/// JavaScript prelude go on `internal`.
pub fn install<'js>(ctx: &Ctx<'js>, internal: &Object<'js>) -> Result<()> {
    crate::intl::install(ctx, internal)?;
    headers::install(ctx, internal)?;
    url::install(ctx)?;
    encoding::install(ctx)?;
    base64::install(ctx)?;
    crypto::install(ctx, internal)?;
    Ok(())
}
