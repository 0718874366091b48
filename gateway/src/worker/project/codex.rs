//! Codex Sites builds: `dist/.openai/hosting.json` (or `.openai/hosting.json` in the build
//! itself; legacy `dist/_appgen_meta/appgarden.json`) names the D1 and R2 bindings, and the
//! build holds either a worker (`server/index.js`, assets in `client/` or the build itself)
//! or a static site (`static.directory`). Drizzle migrations live in `.openai/drizzle/`.
//! Every path is kept inside the project (see `confined`).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{
    fixed, handling, inside, read_jsonc, string, strings, wrangler, AssetsSpec, D1Spec, Migrations,
    MigrationsKind, Project, ProjectError, Root, StaticRouting,
};

/// The hosting files, relative to the project, and the build folder each describes.
const HOSTING_FILES: [(&str, &str); 3] = [
    ("dist/.openai/hosting.json", "dist"),
    (".openai/hosting.json", "."),
    ("dist/_appgen_meta/appgarden.json", "dist"),
];

/// The hosting file and the build folder it describes, if the project is a Codex Sites build.
fn hosting_file(root: &Root) -> Result<Option<(PathBuf, PathBuf)>, ProjectError> {
    for (file, build) in HOSTING_FILES {
        let file = fixed(root, root.dir(), file)?;
        if file.is_file() {
            return Ok(Some((file, fixed(root, root.dir(), build)?)));
        }
    }
    Ok(None)
}

/// The Codex Sites build at `root`, if it is one.
pub(super) fn detect(root: &Root) -> Result<Option<Project>, ProjectError> {
    let Some((file, build)) = hosting_file(root)? else {
        return Ok(None);
    };
    let hosting = read_jsonc(root, &file)?.unwrap_or(Value::Null);
    if !hosting.is_object() {
        return Err(ProjectError::invalid(&file, "", "must be an object"));
    }
    let d1 = strings(&file, &hosting, "d1")?;
    let r2 = strings(&file, &hosting, "r2")?;
    let in_build = |relative: &str| fixed(root, &build, relative);
    let server = in_build("server")?;
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
        static_site(root, &file, &build, site)?
    } else if in_build("server/wrangler.json")?.is_file() {
        let wrangler_file = in_build("server/wrangler.json")?;
        let config = read_jsonc(root, &wrangler_file)?.unwrap_or(Value::Null);
        let mut project = wrangler::read(root, &wrangler_file, &config)?;
        // Its bindings are those hosting.json names.
        project.d1.clear();
        project.r2.clear();
        if project.entry.is_none() && in_build("server/index.js")?.is_file() {
            project.entry = Some("index.js".to_string());
        }
        if project.assets.is_none() {
            project.assets = Some(build_assets(&build, in_build("client")?));
        }
        project
    } else if in_build("server/index.js")?.is_file() {
        let mut project = Project::empty(&server, Some("index.js".to_string()));
        project.assets = Some(build_assets(&build, in_build("client")?));
        project
    } else {
        return Err(ProjectError::invalid(
            &file,
            "static",
            format!("absent, and {} has no server/index.js", build.display()),
        ));
    };
    let drizzle = in_build(".openai/drizzle")?;
    let migrations = drizzle.is_dir().then_some(Migrations {
        root: root.dir().to_path_buf(),
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
fn build_assets(build: &Path, client: PathBuf) -> AssetsSpec {
    let (dir, ignore) = if client.is_dir() {
        (client, Vec::new())
    } else {
        let ignore = ["/server/", "/.openai/", "/_appgen_meta/"];
        (build.to_path_buf(), ignore.map(str::to_string).to_vec())
    };
    AssetsSpec {
        dir,
        binding: Some("ASSETS".to_string()),
        html_handling: Default::default(),
        not_found_handling: Default::default(),
        routing: StaticRouting::AssetsFirst,
        ignore,
    }
}

/// `static: {directory, not_found_handling}`: assets only.
fn static_site(
    root: &Root,
    file: &Path,
    build: &Path,
    site: &Value,
) -> Result<Project, ProjectError> {
    let directory = string(file, site, "directory")?.unwrap_or_else(|| ".".to_string());
    let dir = inside(root, file, "static.directory", build, &directory)?;
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
