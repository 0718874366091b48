//! Compiled QuickJS bytecode shared by every isolate of the process: a site's module file is
//! parsed once per content (path, size and modification time) and each prelude file once per
//! process, so loading a site version is a bytecode load, not a parse. QuickJS reads bytecode in
//! place (it keeps pointers into the buffer), so each isolate holds on to the buffers it loaded
//! (`Loaded`) for as long as its runtime lives.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::SystemTime;

use rquickjs::module::{Declared, WriteOptions};
use rquickjs::{Ctx, Error, Module, Result};

/// One module's bytecode.
pub(crate) type Bytecode = Arc<[u8]>;

/// The most bytecode kept for site modules; the oldest entries go first beyond it.
const MODULE_CACHE_BYTES: usize = 256 << 20;

/// The buffers an isolate's modules were loaded from.
#[derive(Default, Clone)]
pub(crate) struct Loaded(Rc<RefCell<Vec<Bytecode>>>);

/// What identifies one version of a module file.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    path: PathBuf,
    name: String,
    len: u64,
    modified: Option<SystemTime>,
}

impl Key {
    fn of(name: &str, path: &Path, meta: &std::fs::Metadata) -> Key {
        Key {
            path: path.to_path_buf(),
            name: name.to_string(),
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

#[derive(Default)]
struct ModuleCache {
    entries: HashMap<Key, Bytecode>,
    order: VecDeque<Key>,
    bytes: usize,
}

impl ModuleCache {
    fn insert(&mut self, key: Key, code: Bytecode) {
        self.bytes += code.len();
        if self.entries.insert(key.clone(), code).is_none() {
            self.order.push_back(key);
        }
        while self.bytes > MODULE_CACHE_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(code) = self.entries.remove(&oldest) {
                self.bytes -= code.len();
            }
        }
    }
}

static MODULES: LazyLock<Mutex<ModuleCache>> = LazyLock::new(Mutex::default);

/// Loads bytecode that this module compiled.
pub(crate) fn load<'js>(
    ctx: &Ctx<'js>,
    code: &Bytecode,
    loaded: &Loaded,
) -> Result<Module<'js, Declared>> {
    loaded.0.borrow_mut().push(code.clone());
    // SAFETY: every buffer handed here was produced by `Module::write` in this process, with
    // this QuickJS build, and stays alive in `loaded` as long as the runtime reading it.
    unsafe { Module::load(ctx.clone(), code) }
}

/// Declares module `name` from `source` and compiles it to bytecode; `strip` leaves out the
/// source text and line tables (for Sitegate's own code, whose stack frames sites need not see
/// and whose bytecode every isolate copies into its heap).
fn compile<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    source: Vec<u8>,
    strip: bool,
) -> Result<(Module<'js, Declared>, Bytecode)> {
    let module = Module::declare(ctx.clone(), name, source)?;
    let code = module.write(WriteOptions {
        strip_source: strip,
        strip_debug: strip,
        ..WriteOptions::default()
    })?;
    Ok((module, Bytecode::from(code)))
}

/// The module `name` from `file` (opened at `path`), from cached bytecode when the file is
/// unchanged.
pub(crate) fn site_module<'js>(
    ctx: &Ctx<'js>,
    name: &str,
    path: &Path,
    mut file: std::fs::File,
    loaded: &Loaded,
) -> Result<Module<'js, Declared>> {
    let refuse = |e: std::io::Error| Error::new_loading_message(name, e.to_string());
    let key = Key::of(name, path, &file.metadata().map_err(refuse)?);
    let cached = MODULES
        .lock()
        .ok()
        .and_then(|c| c.entries.get(&key).cloned());
    if let Some(code) = cached {
        return load(ctx, &code, loaded);
    }
    let mut source = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut source).map_err(refuse)?;
    let (module, code) = compile(ctx, name, source, false)?;
    if let Ok(mut cache) = MODULES.lock() {
        cache.insert(key, code);
    }
    Ok(module)
}

/// Whether the current version of file `path` (loaded as `name`) has cached bytecode.
#[cfg(test)]
pub(crate) fn is_cached(name: &str, path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let key = Key::of(name, path, &meta);
    MODULES.lock().is_ok_and(|c| c.entries.contains_key(&key))
}

/// Serves the imports of modules compiled apart: QuickJS loads a module's imports when it
/// compiles it, though the bytecode only names them. A module of the set is declared from its
/// source; any other name (a native module) as an empty placeholder.
struct Apart(Vec<(String, String)>);

/// The stand-in for a native module while compiling apart.
struct Placeholder;

impl rquickjs::module::ModuleDef for Placeholder {}

impl rquickjs::loader::Resolver for Apart {
    fn resolve<'js>(
        &mut self,
        _ctx: &Ctx<'js>,
        _base: &str,
        name: &str,
        _attributes: Option<rquickjs::loader::ImportAttributes<'js>>,
    ) -> Result<String> {
        Ok(name.to_string())
    }
}

impl rquickjs::loader::Loader for Apart {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attributes: Option<rquickjs::loader::ImportAttributes<'js>>,
    ) -> Result<Module<'js, Declared>> {
        match self.0.iter().find(|(n, _)| n == name) {
            Some((_, source)) => Module::declare(ctx.clone(), name, source.clone()),
            None => Module::declare_def::<Placeholder, _>(ctx.clone(), name),
        }
    }
}

/// Compiles modules (each `(name, source)`) in a throwaway runtime, for code every isolate
/// loads (the prelude, the built-in modules); they may import each other.
pub(crate) fn compile_apart(modules: &[(String, String)]) -> Result<Vec<Bytecode>> {
    let runtime = rquickjs::Runtime::new()?;
    runtime.set_loader(Apart(modules.to_vec()), Apart(modules.to_vec()));
    let context = rquickjs::Context::full(&runtime)?;
    context.with(|ctx| {
        modules
            .iter()
            .map(|(name, source)| {
                compile(&ctx, name, source.clone().into_bytes(), true)
                    .map(|(_, code)| code)
                    // The exception belongs to this throwaway context: carry its text out.
                    .map_err(|e| match e {
                        Error::Exception => Error::new_loading_message(
                            name.as_str(),
                            crate::report::describe(ctx.catch()),
                        ),
                        other => other,
                    })
            })
            .collect()
    })
}
