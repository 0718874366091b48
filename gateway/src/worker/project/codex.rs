//! Codex Sites builds: `dist/.openai/hosting.json` (or `.openai/hosting.json` in the build
//! itself; legacy `dist/_appgen_meta/appgarden.json`) names the D1 and R2 bindings, and the
//! build holds either a worker (`server/index.js`, assets in `client/` or the build itself)
//! or a static site (`static.directory`). Drizzle migrations live in `.openai/drizzle/`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{
    handling, read_jsonc, string, strings, wrangler, AssetsSpec, D1Spec, Migrations,
    MigrationsKind, Project, ProjectError, StaticRouting,
};

/// The hosting file and the build folder it describes, if `dir` is a Codex Sites build.
fn hosting_file(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let dist = dir.join("dist");
    [
        (dist.join(".openai").join("hosting.json"), dist.clone()),
        (dir.join(".openai").join("hosting.json"), dir.to_path_buf()),
        (dist.join("_appgen_meta").join("appgarden.json"), dist),
    ]
    .into_iter()
    .find(|(file, _)| file.is_file())
}

/// The Codex Sites build in `dir`, if it is one.
pub(super) fn detect(dir: &Path) -> Result<Option<Project>, ProjectError> {
    let Some((file, build)) = hosting_file(dir) else {
        return Ok(None);
    };
    let hosting = read_jsonc(&file)?.unwrap_or(Value::Null);
    if !hosting.is_object() {
        return Err(ProjectError::invalid(&file, "", "must be an object"));
    }
    let d1 = strings(&file, &hosting, "d1")?;
    let r2 = strings(&file, &hosting, "r2")?;
    let server = build.join("server");
    let mut project = if let Some(site) = hosting.get("static").filter(|v| !v.is_null()) {
        if let Some(key) = [("d1", &d1), ("r2", &r2)]
            .iter()
            .find(|(_, b)| !b.is_empty())
            .map(|(k, _)| k)
        {
            return Err(ProjectError::invalid(
                &file,
                key,
                "a static build cannot have bindings",
            ));
        }
        static_site(&file, &build, site)?
    } else if server.join("wrangler.json").is_file() {
        let wrangler_file = server.join("wrangler.json");
        let config = read_jsonc(&wrangler_file)?.unwrap_or(Value::Null);
        let mut project = wrangler::read(&wrangler_file, &config)?;
        // Its bindings are those hosting.json names.
        project.d1.clear();
        project.r2.clear();
        if project.entry.is_none() && server.join("index.js").is_file() {
            project.entry = Some("index.js".to_string());
        }
        if project.assets.is_none() {
            project.assets = build_assets(&build);
        }
        project
    } else if server.join("index.js").is_file() {
        let mut project = Project::empty(&server, Some("index.js".to_string()));
        project.assets = build_assets(&build);
        project
    } else {
        return Err(ProjectError::invalid(
            &file,
            "static",
            format!("absent, and {} has no server/index.js", build.display()),
        ));
    };
    let drizzle = build.join(".openai").join("drizzle");
    let migrations = drizzle.is_dir().then_some(Migrations {
        dir: drizzle,
        kind: MigrationsKind::Drizzle,
    });
    project.d1 = d1
        .into_iter()
        .map(|binding| D1Spec {
            binding,
            migrations: migrations.clone(),
        })
        .collect();
    project.r2 = r2;
    Ok(Some(project))
}

/// A worker build's assets: `client/`, or the build without `server/` and `.openai/`.
fn build_assets(build: &Path) -> Option<AssetsSpec> {
    let client = build.join("client");
    let (dir, ignore) = if client.is_dir() {
        (client, Vec::new())
    } else {
        let ignore = ["/server/", "/.openai/", "/_appgen_meta/"];
        (build.to_path_buf(), ignore.map(str::to_string).to_vec())
    };
    Some(AssetsSpec {
        dir,
        binding: Some("ASSETS".to_string()),
        html_handling: Default::default(),
        not_found_handling: Default::default(),
        routing: StaticRouting::AssetsFirst,
        ignore,
    })
}

/// `static: {directory, not_found_handling}`: assets only.
fn static_site(file: &Path, build: &Path, site: &Value) -> Result<Project, ProjectError> {
    let directory = string(file, site, "directory")?.unwrap_or_else(|| ".".to_string());
    let dir = build.join(&directory);
    if !dir.is_dir() {
        return Err(ProjectError::invalid(
            file,
            "static.directory",
            format!("{directory} is not a directory"),
        ));
    }
    let (html_handling, not_found_handling) = handling(file, site, "static.")?;
    let mut project = Project::empty(&dir, None);
    project.assets = Some(AssetsSpec {
        ignore: if dir == build {
            vec!["/.openai/".to_string(), "/_appgen_meta/".to_string()]
        } else {
            Vec::new()
        },
        dir,
        binding: None,
        html_handling,
        not_found_handling,
        routing: StaticRouting::AssetsFirst,
    });
    Ok(project)
}
