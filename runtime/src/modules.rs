//! Module resolution and loading confined to one version directory: relative specifiers,
//! resolved against the importing module, normalized, and refused if they would leave the
//! directory (`..` past the root, absolute paths, NUL, symlinks pointing outside); besides
//! those only the built-in modules (`node:buffer`, `cloudflare:workers`, ...).

use std::path::{Component, Path, PathBuf};

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Error, Module, Result};

use crate::bytecode::Loaded;

/// Resolves `./x.js` and `../y.js` against the importing module, inside the root, and the
/// built-in modules' names.
pub struct ConfinedResolver;

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
        _ctx: &Ctx<'js>,
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
            return Err(Error::new_resolving_message(
                base,
                name,
                format!("No such module \"{name}\"."),
            ));
        }
        // A site file must not pass for a built-in (`./sitegate:internal`, say).
        resolve(base, name)
            .filter(|file| !crate::builtins::is_reserved(file))
            .ok_or_else(|| {
                Error::new_resolving_message(
                    base,
                    name,
                    "only relative imports inside the site's own files are allowed",
                )
            })
    }
}

/// Reads resolved modules from the version directory, refusing anything whose real path is
/// outside it (a symlink out of the directory, for instance).
pub struct ConfinedLoader {
    root: PathBuf,
    loaded: Loaded,
}

impl ConfinedLoader {
    /// A loader for files under `root` (already canonical), keeping the bytecode it loads in
    /// `loaded`.
    pub(crate) fn new(root: PathBuf, loaded: Loaded) -> Self {
        ConfinedLoader { root, loaded }
    }
}

impl Loader for ConfinedLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> Result<Module<'js, Declared>> {
        if let Some(builtin) = crate::builtins::load(ctx, name, &self.loaded) {
            return builtin;
        }
        let refuse = |why: &str| Error::new_loading_message(name, why);
        let path = self
            .root
            .join(name)
            .canonicalize()
            .map_err(|e| refuse(&e.to_string()))?;
        if !path.starts_with(&self.root) {
            return Err(refuse("the file is outside the site's directory"));
        }
        crate::bytecode::site_module(ctx, name, &path, &self.loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn relative_specifiers_resolve_inside_the_root_only() {
        assert_eq!(
            resolve("index.js", "./lib/a.js").as_deref(),
            Some("lib/a.js")
        );
        assert_eq!(resolve("lib/a.js", "../b.js").as_deref(), Some("b.js"));
        assert_eq!(
            resolve("lib/a.js", "./c/../d.js").as_deref(),
            Some("lib/d.js")
        );
        assert_eq!(resolve("index.js", "../secret.js"), None, "above the root");
        assert_eq!(resolve("lib/a.js", "../../x.js"), None);
        assert_eq!(resolve("index.js", "/etc/passwd"), None, "absolute");
        assert_eq!(
            resolve("index.js", "lodash"),
            None,
            "bare specifiers are not files"
        );
        assert_eq!(resolve("index.js", "./a\0.js"), None);
    }
}
