//! The Web APIs workers use, as native classes installed on each isolate's global object.

// `#[rquickjs::methods]` generates undocumented associated constants; every hand-written
// item in these modules is documented.
mod base64;
pub(crate) mod bytes;
#[allow(missing_docs)]
pub mod crypto;
mod dom_exception;
#[allow(missing_docs)]
pub mod encoding;
#[allow(missing_docs)]
pub mod headers;
#[allow(missing_docs)]
pub mod url;
#[allow(missing_docs)]
pub mod url_search_params;

pub(crate) mod strings;
#[cfg(test)]
mod test_support;

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
