//! What a site's directory holds: a Codex Sites build (`.openai/hosting.json`), a wrangler
//! project (`wrangler.jsonc`, `wrangler.json`, `wrangler.toml`) or a plain worker
//! (`index.js`, `worker.js`), read into one [`Project`]: module root and entry, static
//! assets, D1 databases with their migrations, R2 buckets, vars and compatibility settings.

mod codex;
#[cfg(test)]
mod tests;
mod wrangler;

use std::path::{Path, PathBuf};

use runtime::bindings::assets::{HtmlHandling, NotFoundHandling};
use runtime::Var;
use serde_json::Value;

pub use super::migrations::{Migrations, MigrationsKind};
pub use super::static_routing::StaticRouting;
use crate::confined::{Escape, Root};

/// A site's project, as detected in its directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The folder modules are loaded from.
    pub root: PathBuf,
    /// The entry module, relative to `root` (`None`: no worker, assets only or nothing).
    pub entry: Option<String>,
    /// The static assets, if any.
    pub assets: Option<AssetsSpec>,
    /// D1 databases.
    pub d1: Vec<D1Spec>,
    /// R2 bucket binding names.
    pub r2: Vec<String>,
    /// Plain variables.
    pub vars: Vec<(String, Var)>,
    /// `compatibility_date`, if given.
    pub compatibility_date: Option<String>,
    /// `compatibility_flags`.
    pub compatibility_flags: Vec<String>,
    /// Settings that were ignored, each naming its file and key.
    pub warnings: Vec<String>,
}

/// A project's static assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetsSpec {
    /// The folder served.
    pub dir: PathBuf,
    /// The binding workers reach them by (`env.ASSETS`), if any.
    pub binding: Option<String>,
    /// How HTML pages are reached.
    pub html_handling: HtmlHandling,
    /// What unmatched paths get.
    pub not_found_handling: NotFoundHandling,
    /// Which paths the assets or the worker answer first (`run_worker_first`).
    pub routing: StaticRouting,
    /// Paths under `dir` never served (`.assetsignore` syntax), e.g. a build's `/server/`.
    pub ignore: Vec<String>,
}

/// A D1 database binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct D1Spec {
    /// `env.NAME`.
    pub binding: String,
    /// Its migrations, if their folder exists.
    pub migrations: Option<Migrations>,
}

/// Why a directory is not a usable project.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// A config file could not be read or parsed, or a link to it leads outside the project.
    #[error("{file}: {message}")]
    Read {
        /// The file.
        file: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A setting is wrong or contradicts another.
    #[error("{file}: `{key}`: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// The key, dotted (`assets.directory`).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A path a setting names leads outside the project.
    #[error("{file}: `{key}` = {value:?} is refused: {reason}")]
    Outside {
        /// The file.
        file: PathBuf,
        /// The key, dotted (`assets.directory`).
        key: String,
        /// The path as the file gives it.
        value: String,
        /// How it leaves the project.
        reason: Escape,
    },
}

impl ProjectError {
    fn invalid(file: &Path, key: &str, message: impl Into<String>) -> ProjectError {
        ProjectError::Invalid {
            file: file.to_path_buf(),
            key: key.to_string(),
            message: message.into(),
        }
    }
}

/// The project in `dir`: a Codex Sites build first, then a wrangler project, then a plain
/// directory whose `index.js` or `worker.js` is the entry (neither: no entry).
/// Every path the project names stays inside `dir` (see [`crate::confined`]).
pub fn detect(dir: &Path) -> Result<Project, ProjectError> {
    let root = Root::new(dir).map_err(|e| ProjectError::Read {
        file: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    if let Some(project) = codex::detect(&root)? {
        return Ok(project);
    }
    if let Some(project) = wrangler::detect(&root)? {
        return Ok(project);
    }
    let mut entry = None;
    for name in ["index.js", "worker.js", "index.mjs", "worker.mjs"] {
        if fixed(&root, dir, name)?.is_file() {
            entry = Some(name.to_string());
            break;
        }
    }
    Ok(Project::empty(dir, entry))
}

/// `value`, the path `key` of `file` names relative to the folder `base`, as a path inside
/// the project.
fn inside(
    root: &Root,
    file: &Path,
    key: &str,
    base: &Path,
    value: &str,
) -> Result<PathBuf, ProjectError> {
    root.join(base, value)
        .map_err(|reason| ProjectError::Outside {
            file: file.to_path_buf(),
            key: key.to_string(),
            value: value.to_string(),
            reason,
        })
}

/// The file or folder every project of a kind has at `relative` to `base` (`wrangler.json`),
/// unless a symlink on the way leads outside the project.
fn fixed(root: &Root, base: &Path, relative: &str) -> Result<PathBuf, ProjectError> {
    root.join(base, relative)
        .map_err(|reason| ProjectError::Read {
            file: base.join(relative),
            message: reason.to_string(),
        })
}

impl Project {
    fn empty(root: &Path, entry: Option<String>) -> Project {
        Project {
            root: root.to_path_buf(),
            entry,
            assets: None,
            d1: Vec::new(),
            r2: Vec::new(),
            vars: Vec::new(),
            compatibility_date: None,
            compatibility_flags: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// The text of `file` (inside the project), read beneath its root, or `None` if it does not
/// exist.
fn read_text(root: &Root, file: &Path) -> Result<Option<String>, ProjectError> {
    match root.read_to_string(file) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ProjectError::Read {
            file: file.to_path_buf(),
            message: e.to_string(),
        }),
    }
}

/// `file` read as JSON with comments and trailing commas allowed (JSONC), or `None` if it
/// does not exist.
fn read_jsonc(root: &Root, file: &Path) -> Result<Option<Value>, ProjectError> {
    let Some(text) = read_text(root, file)? else {
        return Ok(None);
    };
    json5::from_str(&text)
        .map(Some)
        .map_err(|e| ProjectError::Read {
            file: file.to_path_buf(),
            message: e.to_string(),
        })
}

/// The string at `key` of `object` (absent or null: `None`).
fn string(file: &Path, object: &Value, key: &str) -> Result<Option<String>, ProjectError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ProjectError::invalid(file, key, "must be a string")),
    }
}

/// The list of strings at `key` of `object` (absent or null: empty).
fn strings(file: &Path, object: &Value, key: &str) -> Result<Vec<String>, ProjectError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                _ => Err(ProjectError::invalid(file, key, "must hold strings")),
            })
            .collect(),
        Some(_) => Err(ProjectError::invalid(
            file,
            key,
            "must be a list of strings",
        )),
    }
}

/// `html_handling` and `not_found_handling` of an assets object.
fn handling(
    file: &Path,
    object: &Value,
    prefix: &str,
) -> Result<(HtmlHandling, NotFoundHandling), ProjectError> {
    let html = match string(file, object, "html_handling")? {
        None => HtmlHandling::default(),
        Some(name) => HtmlHandling::parse(&name).ok_or_else(|| {
            ProjectError::invalid(
                file,
                &format!("{prefix}html_handling"),
                format!("unknown value {name:?}"),
            )
        })?,
    };
    let not_found = match string(file, object, "not_found_handling")? {
        None => NotFoundHandling::default(),
        Some(name) => NotFoundHandling::parse(&name).ok_or_else(|| {
            ProjectError::invalid(
                file,
                &format!("{prefix}not_found_handling"),
                format!("unknown value {name:?}"),
            )
        })?,
    };
    Ok((html, not_found))
}

/// Warnings for the keys of `object` not in `known` that set something (generated configs
/// list every binding kind, most of them empty).
fn unknown_keys(
    file: &Path,
    object: &Value,
    prefix: &str,
    known: &[&str],
    warnings: &mut Vec<String>,
) {
    if let Value::Object(map) = object {
        let set = map
            .iter()
            .filter(|(key, value)| !known.contains(&key.as_str()) && !empty(value));
        for (key, _) in set {
            warnings.push(format!(
                "{}: `{prefix}{key}` is not supported by Sitegate and was ignored",
                file.display()
            ));
        }
    }
}

/// Whether `value` sets nothing: null, an empty list, or an object of such values.
fn empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.values().all(empty),
        _ => false,
    }
}
