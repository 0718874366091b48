//! Which file (or redirect) a decoded URL path gets under `html_handling` and
//! `not_found_handling`, as Cloudflare's asset server decides.

use std::sync::Arc;

use http::StatusCode;

use super::manifest::AssetFile;
use super::{Assets, HtmlHandling, NotFoundHandling};

/// What a path resolved to.
pub(super) enum Found {
    /// Redirect (307) to this path.
    Redirect(String),
    /// Serve `file` (matched as the URL path `url`) with `status`.
    File {
        url: String,
        file: Arc<AssetFile>,
        status: StatusCode,
    },
}

/// The answer for the decoded `path`, or `None` when no asset fits.
pub(super) fn resolve(assets: &Assets, path: &str) -> Option<Found> {
    html(assets, path).or_else(|| not_found(assets, path))
}

fn ok(assets: &Assets, url: &str, rel: &str) -> Option<Found> {
    assets.file(rel).map(|file| Found::File {
        url: url.to_string(),
        file,
        status: StatusCode::OK,
    })
}

fn exists(assets: &Assets, rel: &str) -> bool {
    assets.file(rel).is_some()
}

fn redirect(to: String) -> Option<Found> {
    Some(Found::Redirect(to))
}

/// The page for `path` under the site's `html_handling`.
fn html(assets: &Assets, path: &str) -> Option<Found> {
    if assets.html_handling == HtmlHandling::None {
        return ok(assets, path, path);
    }
    // `/a/` → base `/a`, slash true; `/a.html` and `/a/index.html` → base `/a` too.
    let (base, spelled) = if let Some(b) = path.strip_suffix("/index.html") {
        (b.to_string(), Spelling::Index)
    } else if let Some(b) = path.strip_suffix(".html") {
        (b.to_string(), Spelling::Html)
    } else if path.ends_with('/') {
        (path.trim_end_matches('/').to_string(), Spelling::Slash)
    } else {
        // A non-HTML file (or an extension-less page) served as it is named.
        if let Some(found) = ok(assets, path, path) {
            return Some(found);
        }
        (path.to_string(), Spelling::Bare)
    };
    let index = format!("{base}/index.html");
    let dot_html = format!("{base}.html");
    let has_index = exists(assets, &index);
    let has_html = !base.is_empty() && exists(assets, &dot_html);
    // Where each file is to be reached from.
    let (index_url, html_url) = match assets.html_handling {
        HtmlHandling::ForceTrailingSlash => (format!("{base}/"), format!("{base}/")),
        HtmlHandling::DropTrailingSlash if !base.is_empty() => (base.clone(), base.clone()),
        _ => (format!("{base}/"), base.clone()),
    };
    let (file, url) = if has_html {
        (dot_html, html_url)
    } else if has_index {
        (index, index_url)
    } else {
        return None;
    };
    if url == path || (spelled == Spelling::Bare && url == base && path == base) {
        ok(assets, &url, &file)
    } else {
        redirect(url)
    }
}

/// How the request spelled the page.
#[derive(PartialEq)]
enum Spelling {
    Index,
    Html,
    Slash,
    Bare,
}

/// The `not_found_handling` answer for `path`.
fn not_found(assets: &Assets, path: &str) -> Option<Found> {
    match assets.not_found_handling {
        NotFoundHandling::None => None,
        NotFoundHandling::SinglePageApplication => ok(assets, "/", "/index.html"),
        NotFoundHandling::NotFoundPage => {
            let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            loop {
                let page = format!("{dir}/404.html");
                if let Some(file) = assets.file(&page) {
                    return Some(Found::File {
                        url: page,
                        file,
                        status: StatusCode::NOT_FOUND,
                    });
                }
                match dir.rsplit_once('/') {
                    Some((parent, _)) => dir = parent.to_string(),
                    None => return None,
                }
            }
        }
    }
}
