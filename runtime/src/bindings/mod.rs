//! A site version's bindings — what its `env` holds: vars (text and JSON), secrets, D1
//! databases (`d1`), R2 buckets (`r2`) and its static assets (`assets`) — and the filling of
//! `env` when an isolate is given its site.

pub mod assets;
pub mod d1;
mod r2;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use rquickjs::{Ctx, Object, Result};

use crate::host::Host;
pub use crate::secret::Secret;
pub use assets::Assets;

/// Everything a site version's `env` holds, by binding name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Bindings {
    /// Plain variables from the project's config.
    pub vars: Vec<(String, Var)>,
    /// Secrets from Sitegate's encrypted store.
    pub secrets: Vec<(String, Secret)>,
    /// D1 databases: binding name and the SQLite file behind it.
    pub d1: Vec<(String, PathBuf)>,
    /// R2 buckets: binding name and the directory holding the bucket.
    pub r2: Vec<(String, PathBuf)>,
    /// The version's static assets and the binding name workers reach them by (if any).
    pub assets: Option<(Option<String>, Arc<Assets>)>,
}

/// Whether `name` is an ASCII JavaScript identifier (letters, digits, `_` and `$`, not
/// starting with a digit): what an `env` binding may be called.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// `bytes` in lower-case hex (ETags, checksums).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Bindings {
    /// `text` with every secret value in it replaced by `[secret NAME]`: for what the site's
    /// own code writes to the log (console output, the messages of errors it throws).
    pub fn redact<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        crate::secret::redact(&self.secrets, text)
    }
}

/// A plain variable: a string, or a JSON value (kept as its JSON text).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Var {
    /// `env.NAME` is this string.
    Text(String),
    /// `env.NAME` is this JSON text, parsed.
    Json(String),
}

/// Fills `env` (the object the fetch handler, `cloudflare:workers` and `process.env` see) with
/// `bindings`.
pub(crate) fn fill_env<'js>(
    ctx: &Ctx<'js>,
    env: &Object<'js>,
    host: &Rc<Host>,
    bindings: &Bindings,
) -> Result<()> {
    for (name, var) in &bindings.vars {
        match var {
            Var::Text(text) => env.set(name.as_str(), text.as_str())?,
            Var::Json(json) => env.set(name.as_str(), ctx.json_parse(json.as_str())?)?,
        }
    }
    for (name, Secret(value)) in &bindings.secrets {
        env.set(name.as_str(), value.as_str())?;
    }
    for (name, file) in &bindings.d1 {
        env.set(name.as_str(), d1::binding(ctx, host, file)?)?;
    }
    for (name, dir) in &bindings.r2 {
        env.set(name.as_str(), r2::binding(ctx, host, dir)?)?;
    }
    if let Some((Some(name), assets)) = &bindings.assets {
        env.set(name.as_str(), assets::binding(ctx, host, assets)?)?;
    }
    Ok(())
}
