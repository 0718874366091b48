//! wrangler projects: `wrangler.jsonc`, `wrangler.json` or `wrangler.toml` beside the
//! sources, or the config a build tool generated and named in `.wrangler/deploy/config.json`;
//! paths in them are relative to the config file's folder.

use std::path::{Path, PathBuf};

use runtime::Var;
use serde_json::Value;

use super::{
    fixed, handling, inside, read_jsonc, read_text, string, strings, unknown_keys, AssetsSpec,
    D1Spec, Migrations, MigrationsKind, Project, ProjectError, Root, StaticRouting,
};

/// Top-level keys Sitegate reads.
const READ: &[&str] = &[
    "main",
    "assets",
    "d1_databases",
    "r2_buckets",
    "vars",
    "compatibility_date",
    "compatibility_flags",
];

/// Top-level keys that only matter to Cloudflare's deploys and are skipped silently.
const DEPLOY_ONLY: &[&str] = &[
    "$schema",
    "name",
    "account_id",
    "workers_dev",
    "preview_urls",
    "observability",
    "upload_source_maps",
    "minify",
    "keep_vars",
    "no_bundle",
    "dev",
    "build",
    "routes",
    "route",
    "tsconfig",
    "rules",
    "find_additional_modules",
    "base_dir",
    "preserve_file_names",
    "placement",
    "limits",
    "logpush",
    "send_metrics",
    "jsx_factory",
    "jsx_fragment",
    "python_modules",
    // What a build tool's generated config records about the user's.
    "configPath",
    "userConfigPath",
    "topLevelName",
    "definedEnvironments",
];

/// Where a build tool leaves the config to deploy instead of the user's (wrangler's deploy
/// redirect), relative to the project.
const REDIRECT: &str = ".wrangler/deploy/config.json";

/// The wrangler project at `root`, if it has a wrangler config: the one `REDIRECT` points to
/// (as `@cloudflare/vite-plugin` writes it, `dist/<worker>/wrangler.json`), else the user's.
pub(super) fn detect(root: &Root) -> Result<Option<Project>, ProjectError> {
    if let Some(file) = redirected(root)? {
        let config = read_config(root, &file)?.ok_or_else(|| ProjectError::Read {
            file: file.clone(),
            message: format!("named by {REDIRECT}, and missing"),
        })?;
        return read(root, &file, &config).map(Some);
    }
    for name in ["wrangler.jsonc", "wrangler.json", "wrangler.toml"] {
        let file = fixed(root, root.dir(), name)?;
        if let Some(config) = read_config(root, &file)? {
            return read(root, &file, &config).map(Some);
        }
    }
    Ok(None)
}

/// The config the project's deploy redirect names (`configPath`, relative to the redirect
/// file, inside the project).
fn redirected(root: &Root) -> Result<Option<PathBuf>, ProjectError> {
    let file = fixed(root, root.dir(), REDIRECT)?;
    let Some(redirect) = read_jsonc(root, &file)? else {
        return Ok(None);
    };
    let path = string(&file, &redirect, "configPath")?
        .ok_or_else(|| ProjectError::invalid(&file, "configPath", "is missing"))?;
    let base = file.parent().unwrap_or(root.dir());
    inside(root, &file, "configPath", base, &path).map(Some)
}

/// `file` read as TOML or JSONC by its extension, or `None` if it does not exist.
fn read_config(root: &Root, file: &Path) -> Result<Option<Value>, ProjectError> {
    if file.extension().is_some_and(|e| e == "toml") {
        read_toml(root, file)
    } else {
        read_jsonc(root, file)
    }
}

fn read_toml(root: &Root, file: &Path) -> Result<Option<Value>, ProjectError> {
    let Some(text) = read_text(root, file)? else {
        return Ok(None);
    };
    toml::from_str::<Value>(&text)
        .map(Some)
        .map_err(|e| ProjectError::Read {
            file: file.to_path_buf(),
            message: e.to_string(),
        })
}

/// The project `config` (read from `file`) describes.
pub(super) fn read(root: &Root, file: &Path, config: &Value) -> Result<Project, ProjectError> {
    let dir = file.parent().unwrap_or(root.dir());
    if !config.is_object() {
        return Err(ProjectError::invalid(file, "", "must be an object"));
    }
    let mut project = Project::empty(dir, None);
    let known: Vec<&str> = READ.iter().chain(DEPLOY_ONLY).copied().collect();
    unknown_keys(file, config, "", &known, &mut project.warnings);
    if let Some(main) = string(file, config, "main")? {
        let path = inside(root, file, "main", dir, &main)?;
        if !path.is_file() {
            return Err(ProjectError::invalid(
                file,
                "main",
                format!("{main} does not exist"),
            ));
        }
        // Modules load from the config's folder, or the project's if the entry is not in it.
        let (modules, entry) = match path.strip_prefix(dir) {
            Ok(entry) => (dir, entry),
            Err(_) => (root.dir(), path.strip_prefix(root.dir()).unwrap_or(&path)),
        };
        let entry = entry
            .to_str()
            .ok_or_else(|| ProjectError::invalid(file, "main", format!("{main:?} is not UTF-8")))?;
        project.root = modules.to_path_buf();
        project.entry = Some(entry.to_string());
    }
    project.compatibility_date = string(file, config, "compatibility_date")?;
    project.compatibility_flags = strings(file, config, "compatibility_flags")?;
    if let Some(assets) = config.get("assets") {
        project.assets = Some(assets_spec(root, file, dir, assets, &mut project.warnings)?);
    }
    project.d1 = d1(
        root,
        file,
        dir,
        config.get("d1_databases"),
        &mut project.warnings,
    )?;
    project.r2 = named(
        file,
        config.get("r2_buckets"),
        "r2_buckets",
        &["bucket_name", "preview_bucket_name", "jurisdiction"],
        &mut project.warnings,
    )?;
    project.vars = vars(file, config.get("vars"))?;
    if project.entry.is_none() && project.assets.as_ref().is_some_and(|a| a.binding.is_some()) {
        return Err(ProjectError::invalid(
            file,
            "assets.binding",
            "needs a worker (`main`)",
        ));
    }
    Ok(project)
}

fn assets_spec(
    root: &Root,
    file: &Path,
    dir: &Path,
    assets: &Value,
    warnings: &mut Vec<String>,
) -> Result<AssetsSpec, ProjectError> {
    unknown_keys(
        file,
        assets,
        "assets.",
        &[
            "directory",
            "binding",
            "html_handling",
            "not_found_handling",
            "run_worker_first",
        ],
        warnings,
    );
    let directory = string(file, assets, "directory")?
        .ok_or_else(|| ProjectError::invalid(file, "assets.directory", "is missing"))?;
    let assets_dir = inside(root, file, "assets.directory", dir, &directory)?;
    if !assets_dir.is_dir() {
        return Err(ProjectError::invalid(
            file,
            "assets.directory",
            format!("{directory} is not a directory"),
        ));
    }
    let (html_handling, not_found_handling) = handling(file, assets, "assets.")?;
    let routing = match assets.get("run_worker_first") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => StaticRouting::AssetsFirst,
        Some(Value::Bool(true)) => StaticRouting::WorkerFirst,
        Some(Value::Array(items)) => {
            let patterns: Option<Vec<String>> = items
                .iter()
                .map(|item| item.as_str().map(str::to_string))
                .collect();
            patterns
                .ok_or_else(|| "must hold strings".to_string())
                .and_then(|patterns| StaticRouting::rules(&patterns))
                .map_err(|message| {
                    ProjectError::invalid(file, "assets.run_worker_first", message)
                })?
        }
        Some(_) => {
            return Err(ProjectError::invalid(
                file,
                "assets.run_worker_first",
                "must be true, false or a list of patterns",
            ))
        }
    };
    Ok(AssetsSpec {
        dir: assets_dir,
        binding: string(file, assets, "binding")?,
        html_handling,
        not_found_handling,
        routing,
        ignore: Vec::new(),
    })
}

/// `[[d1_databases]]`: bindings with their migrations folders (`migrations_dir`, default
/// `migrations`; wrangler layout).
fn d1(
    root: &Root,
    file: &Path,
    dir: &Path,
    list: Option<&Value>,
    warnings: &mut Vec<String>,
) -> Result<Vec<D1Spec>, ProjectError> {
    let known = [
        "database_name",
        "database_id",
        "preview_database_id",
        "migrations_table",
    ];
    let mut out = Vec::new();
    for (i, item) in entries(file, list, "d1_databases")?.iter().enumerate() {
        let binding = string(file, item, "binding")?.ok_or_else(|| {
            ProjectError::invalid(file, &format!("d1_databases[{i}].binding"), "is missing")
        })?;
        let mut read = known.to_vec();
        read.extend(["binding", "migrations_dir"]);
        unknown_keys(file, item, &format!("d1_databases[{i}]."), &read, warnings);
        let key = format!("d1_databases[{i}].migrations_dir");
        let value =
            string(file, item, "migrations_dir")?.unwrap_or_else(|| "migrations".to_string());
        let migrations_dir = inside(root, file, &key, dir, &value)?;
        let migrations = migrations_dir.is_dir().then_some(Migrations {
            root: root.dir().to_path_buf(),
            dir: migrations_dir,
            kind: MigrationsKind::Wrangler,
        });
        out.push(D1Spec {
            binding,
            migrations,
        });
    }
    Ok(out)
}

/// The binding names of a list of `{binding, ...}` objects.
fn named(
    file: &Path,
    list: Option<&Value>,
    key: &str,
    known: &[&str],
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, ProjectError> {
    let mut out = Vec::new();
    for (i, item) in entries(file, list, key)?.iter().enumerate() {
        let mut read = known.to_vec();
        read.push("binding");
        unknown_keys(file, item, &format!("{key}[{i}]."), &read, warnings);
        out.push(string(file, item, "binding")?.ok_or_else(|| {
            ProjectError::invalid(file, &format!("{key}[{i}].binding"), "is missing")
        })?);
    }
    Ok(out)
}

fn entries<'a>(
    file: &Path,
    list: Option<&'a Value>,
    key: &str,
) -> Result<&'a [Value], ProjectError> {
    match list {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(ProjectError::invalid(file, key, "must be a list")),
    }
}

/// `vars`: strings stay text, anything else is JSON.
fn vars(file: &Path, vars: Option<&Value>) -> Result<Vec<(String, Var)>, ProjectError> {
    match vars {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => Ok(map
            .iter()
            .map(|(name, value)| {
                let var = match value {
                    Value::String(s) => Var::Text(s.clone()),
                    other => Var::Json(other.to_string()),
                };
                (name.clone(), var)
            })
            .collect()),
        Some(_) => Err(ProjectError::invalid(file, "vars", "must be an object")),
    }
}
