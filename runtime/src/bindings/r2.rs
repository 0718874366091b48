//! The R2 binding: a bucket on local storage. (Being written.)

use std::path::Path;
use std::rc::Rc;

use rquickjs::{Ctx, Exception, Result, Value};

use crate::host::Host;

/// The `R2Bucket` object for the bucket stored in `dir`.
pub(crate) fn binding<'js>(ctx: &Ctx<'js>, _host: &Rc<Host>, _dir: &Path) -> Result<Value<'js>> {
    Err(Exception::throw_internal(
        ctx,
        "R2 bindings are not available yet",
    ))
}
