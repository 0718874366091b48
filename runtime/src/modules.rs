//! Module resolution and loading confined to one version directory: relative specifiers,
//! resolved against the importing module, normalized, and refused if they would leave the
//! directory (`..` past the root, absolute paths, NUL, symlinks pointing outside); besides
//! those only the built-in modules (`node:buffer`, `cloudflare:workers`, ...). Module files
//! are opened beneath the directory (`cap-std`), so no name and no link can reach a file
//! outside it, whatever the resolver let through.
//!
//! A refused import throws what workerd throws, a plain `Error` "No such module", and the
//! refusal (with its reason, which the site does not see) is kept in `Refusals` so that a
//! version whose module graph cannot load is told apart from a worker's own exception.

#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use cap_std::ambient_authority;
use cap_std::fs::Dir;
use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Error, Exception, Module, Result};

use crate::bytecode::Loaded;
use crate::cpu::Clock;

/// A refused import: what the site saw and why it was refused.
struct Refusal {
    specifier: String,
    base: String,
    reason: String,
    /// The message of the `Error` thrown to the site.
    message: String,
}

/// The last import the resolver or loader refused, shared by both and by the isolate.
#[derive(Clone, Default)]
pub(crate) struct Refusals(Rc<RefCell<Option<Refusal>>>);

impl Refusals {
    /// Keeps the refusal of `specifier` (imported from `base`, empty if unknown) and throws
    /// workerd's `Error` for it to the site.
    fn refuse(&self, ctx: &Ctx<'_>, specifier: &str, base: &str, reason: &str) -> Error {
        let message = format!("No such module \"{specifier}\".");
        let error = Exception::throw_message(ctx, &message);
        *self.0.borrow_mut() = Some(Refusal {
            specifier: specifier.to_string(),
            base: base.to_string(),
            reason: reason.to_string(),
            message,
        });
        error
    }

    /// Forgets earlier refusals.
    pub(crate) fn clear(&self) {
        self.0.borrow_mut().take();
    }

    /// `error` as a module error (which the isolate reports as an unloadable version) if it is
    /// the exception of the last refusal, else unchanged.
    pub(crate) fn unloadable(&self, ctx: &Ctx<'_>, error: Error) -> Error {
        if !error.is_exception() {
            return error;
        }
        let thrown = ctx.catch();
        let message = thrown
            .as_object()
            .and_then(|o| o.get::<_, String>("message").ok());
        let refusal = message.and_then(|m| self.0.borrow_mut().take_if(|r| r.message == m));
        match refusal {
            Some(r) => Error::new_resolving_message(r.base, r.specifier, r.reason),
            None => ctx.throw(thrown),
        }
    }
}

/// Resolves `./x.js` and `../y.js` against the importing module, inside the root, and the
/// built-in modules' names.
pub struct ConfinedResolver {
    refusals: Refusals,
}

impl ConfinedResolver {
    /// A resolver keeping what it refuses in `refusals`.
    pub(crate) fn new(refusals: Refusals) -> Self {
        ConfinedResolver { refusals }
    }
}

/// Joins `specifier` onto the directory of `base` (both relative to the version root) and
/// normalizes it; `None` if it would leave the root or is not a relative file specifier.
pub fn resolve(base: &str, specifier: &str) -> Option<String> {
    if !(specifier.starts_with("./") || specifier.starts_with("../")) || specifier.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop(); // the importing file's name
    for component in Path::new(specifier).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

impl Resolver for ConfinedResolver {
    fn resolve<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> Result<String> {
        let builtin = crate::builtins::canonical(name)
            .or_else(|| crate::builtins::resolve_internal(base, name));
        if let Some(builtin) = builtin {
            return Ok(builtin.to_string());
        }
        if name.starts_with("node:") {
            return Err(self
                .refusals
                .refuse(ctx, name, base, "no such built-in module"));
        }
        // A site file must not pass for a built-in (`./sitegate:internal`, say).
        resolve(base, name)
            .filter(|file| !crate::builtins::is_reserved(file))
            .ok_or_else(|| {
                let why = "only relative imports inside the site's own files are allowed";
                self.refusals.refuse(ctx, name, base, why)
            })
    }
}

/// Reads resolved modules beneath the version directory: a name or symlink leading outside it
/// is refused by the open itself. Loading a site module is not charged to the call that
/// imports it (see `Clock::uncharged`).
pub struct ConfinedLoader {
    root: PathBuf,
    loaded: Loaded,
    refusals: Refusals,
    clock: Rc<Clock>,
}

impl ConfinedLoader {
    /// A loader for files under `root` (already canonical), keeping the bytecode it loads in
    /// `loaded` and what it refuses in `refusals`, and the time it takes off `clock`'s call.
    pub(crate) fn new(root: PathBuf, loaded: Loaded, refusals: Refusals, clock: Rc<Clock>) -> Self {
        ConfinedLoader {
            root,
            loaded,
            refusals,
            clock,
        }
    }

    /// Declares the module `name` (resolved) from the built-ins or the version directory.
    fn declare<'js>(&self, ctx: &Ctx<'js>, name: &str) -> Result<Module<'js, Declared>> {
        if let Some(builtin) = crate::builtins::load(ctx, name, &self.loaded) {
            return builtin;
        }
        let refuse = |e: std::io::Error| {
            let why = match e.kind() {
                std::io::ErrorKind::PermissionDenied => {
                    "the file is outside the site's directory".to_string()
                }
                _ => e.to_string(),
            };
            Error::new_loading_message(name, why)
        };
        let file = Dir::open_ambient_dir(&self.root, ambient_authority())
            .and_then(|root| root.open(name))
            .map_err(refuse)?
            .into_std();
        let path = self.root.join(name);
        self.clock
            .uncharged(|| crate::bytecode::site_module(ctx, name, &path, file, &self.loaded))
    }
}

impl Loader for ConfinedLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> Result<Module<'js, Declared>> {
        self.declare(ctx, name).map_err(|error| match error {
            Error::Loading { name, message } => {
                let reason = message.unwrap_or_default();
                self.refusals.refuse(ctx, &name, "", &reason)
            }
            other => other,
        })
    }
}
