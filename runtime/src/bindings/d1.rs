//! The D1 binding: one SQLite file per binding per site. (Being written.)

use std::path::Path;
use std::rc::Rc;

use rquickjs::{Ctx, Exception, Result, Value};

use crate::host::Host;

/// The `D1Database` object for the SQLite file `file`.
pub(crate) fn binding<'js>(ctx: &Ctx<'js>, _host: &Rc<Host>, _file: &Path) -> Result<Value<'js>> {
    Err(Exception::throw_internal(
        ctx,
        "D1 bindings are not available yet",
    ))
}
