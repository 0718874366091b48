//! A site version's static assets. (Being written.)

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use rquickjs::{Ctx, Exception, Result, Value};

use crate::host::Host;

/// The static assets of a site version: the directory they are served from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Assets {
    /// Where the files are.
    pub dir: PathBuf,
}

/// The `env.ASSETS` object (its `fetch(request)` serves `assets`).
pub(crate) fn binding<'js>(
    ctx: &Ctx<'js>,
    _host: &Rc<Host>,
    _assets: &Arc<Assets>,
) -> Result<Value<'js>> {
    Err(Exception::throw_internal(
        ctx,
        "the assets binding is not available yet",
    ))
}
