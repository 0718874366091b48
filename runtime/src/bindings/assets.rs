//! A site version's static assets, served as Cloudflare Workers serves them: strong ETags
//! and `If-None-Match`, `_headers` rules, `.assetsignore`, `html_handling` redirects and
//! `not_found_handling`; and the `env.ASSETS` binding (`fetch(request | url)`). The
//! directory is opened beneath the version's directory and every file, `_headers` and
//! `.assetsignore` included, is read beneath it (`cap-std`), whatever links it holds.

mod headers_file;
mod manifest;
mod pattern;
mod resolve;
#[cfg(test)]
mod tests;

use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use cap_std::ambient_authority;
use cap_std::fs::Dir;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use rquickjs::{Ctx, Function, Object, Result, Value};

use crate::host::Host;
use crate::js_http::header_pairs;
use headers_file::HeaderRules;
use manifest::{AssetFile, Manifest};
use pattern::Ignore;

/// How `/page`, `/page/` and `/page.html` map to files (wrangler's `html_handling`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum HtmlHandling {
    /// `/page` serves `page.html`, `/page/` serves `page/index.html`; the other spellings
    /// redirect there (the default).
    #[default]
    AutoTrailingSlash,
    /// Every HTML page is reached with a trailing slash.
    ForceTrailingSlash,
    /// Every HTML page is reached without a trailing slash.
    DropTrailingSlash,
    /// Only exact file paths are served.
    None,
}

impl HtmlHandling {
    /// The setting named `name` as in wrangler's config.
    pub fn parse(name: &str) -> Option<HtmlHandling> {
        match name {
            "auto-trailing-slash" => Some(HtmlHandling::AutoTrailingSlash),
            "force-trailing-slash" => Some(HtmlHandling::ForceTrailingSlash),
            "drop-trailing-slash" => Some(HtmlHandling::DropTrailingSlash),
            "none" => Some(HtmlHandling::None),
            _ => None,
        }
    }
}

/// What a path matching no asset gets (wrangler's `not_found_handling`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum NotFoundHandling {
    /// No asset: the worker answers, or a plain 404 without one (the default).
    #[default]
    None,
    /// The nearest `404.html` up the path, with status 404.
    NotFoundPage,
    /// The root `index.html`, with status 200.
    SinglePageApplication,
}

impl NotFoundHandling {
    /// The setting named `name` as in wrangler's config.
    pub fn parse(name: &str) -> Option<NotFoundHandling> {
        match name {
            "none" => Some(NotFoundHandling::None),
            "404-page" => Some(NotFoundHandling::NotFoundPage),
            "single-page-application" => Some(NotFoundHandling::SinglePageApplication),
            _ => None,
        }
    }
}

/// The static assets of a site version. Equal and hashed by their configuration (directory
/// and handling); the `_headers` and `.assetsignore` rules are read once at construction.
#[derive(Debug, Clone)]
pub struct Assets {
    /// Where the files are (canonical).
    pub dir: PathBuf,
    /// How HTML pages are reached.
    pub html_handling: HtmlHandling,
    /// What unmatched paths get.
    pub not_found_handling: NotFoundHandling,
    /// Patterns hidden besides `.assetsignore`'s (see [`Assets::ignoring`]).
    pub extra_ignore: Vec<String>,
    rules: HeaderRules,
    ignore: Ignore,
    /// The directory, opened: files are read beneath it.
    handle: Arc<Dir>,
    /// The files, listed on first use.
    manifest: Arc<OnceLock<Manifest>>,
}

impl PartialEq for Assets {
    fn eq(&self, other: &Assets) -> bool {
        (
            &self.dir,
            self.html_handling,
            self.not_found_handling,
            &self.extra_ignore,
        ) == (
            &other.dir,
            other.html_handling,
            other.not_found_handling,
            &other.extra_ignore,
        )
    }
}

impl Eq for Assets {}

impl Hash for Assets {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (
            &self.dir,
            self.html_handling,
            self.not_found_handling,
            &self.extra_ignore,
        )
            .hash(state);
    }
}

/// An asset's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetResponse {
    /// 200, 304, 307 or 404.
    pub status: StatusCode,
    /// Content-Type, ETag, Cache-Control, Location and the `_headers` rules that matched.
    pub headers: HeaderMap,
    /// The file (empty for HEAD, 304 and redirects).
    pub body: Bytes,
}

/// The Cache-Control of an asset unless `_headers` says otherwise.
const DEFAULT_CACHE_CONTROL: &str = "public, max-age=0, must-revalidate";

impl Assets {
    /// The assets in `dir`, a folder under `root` (the version's directory) opened beneath
    /// it, reading its `_headers` and `.assetsignore`. A `dir` leading outside `root` (`..`,
    /// an absolute path, a symlink) is refused.
    pub fn new(
        root: &Path,
        dir: &Path,
        html_handling: HtmlHandling,
        not_found_handling: NotFoundHandling,
    ) -> std::result::Result<Assets, String> {
        let refused =
            |e: &dyn std::fmt::Display| format!("assets directory {}: {e}", dir.display());
        let relative = dir
            .strip_prefix(root)
            .map_err(|_| refused(&"not inside the site's directory"))?;
        let top = Dir::open_ambient_dir(root, ambient_authority()).map_err(|e| refused(&e))?;
        let handle = match relative.as_os_str().is_empty() {
            true => top,
            false => top.open_dir(relative).map_err(|e| refused(&e))?,
        };
        let dir = fs::canonicalize(dir).map_err(|e| refused(&e))?;
        let rules = match handle.read_to_string("_headers") {
            Ok(text) => HeaderRules::parse(&text),
            Err(_) => HeaderRules::default(),
        };
        let ignore = match handle.read_to_string(".assetsignore") {
            Ok(text) => Ignore::parse(&text),
            Err(_) => Ignore::default(),
        };
        Ok(Assets {
            dir,
            html_handling,
            not_found_handling,
            extra_ignore: Vec::new(),
            rules,
            ignore,
            handle: Arc::new(handle),
            manifest: Arc::default(),
        })
    }

    /// These assets with `patterns` (`.assetsignore` syntax, e.g. `/server/`) hidden too.
    pub fn ignoring(mut self, patterns: &[String]) -> Assets {
        self.ignore.add(patterns);
        self.extra_ignore.extend(patterns.iter().cloned());
        self
    }

    /// The asset answering `method path` (`path` is the URL path, percent-encoded, without
    /// query), or `None` when no asset does and the worker should answer.
    pub fn serve(&self, method: &Method, path: &str, headers: &HeaderMap) -> Option<AssetResponse> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let path = decode(path)?;
        match resolve::resolve(self, &path)? {
            resolve::Found::Redirect(location) => Some(self.redirect(&path, &location)),
            resolve::Found::File { url, file, status } => {
                let body = match method == Method::HEAD {
                    true => Bytes::new(),
                    false => file.body()?,
                };
                Some(self.respond(&url, status, &file, body, headers))
            }
        }
    }

    /// The file for the relative URL path `rel` (`a/b.html`), if it exists, is inside the
    /// directory and is not ignored.
    fn file(&self, rel: &str) -> Option<Arc<AssetFile>> {
        let manifest = self.manifest.get_or_init(|| {
            Manifest::build(&self.handle, |rel| {
                rel == "_headers" || rel == ".assetsignore" || self.ignore.ignores(rel)
            })
        });
        manifest.get(rel.trim_start_matches('/')).cloned()
    }

    fn redirect(&self, path: &str, location: &str) -> AssetResponse {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&encode(location)) {
            headers.insert(http::header::LOCATION, value);
        }
        self.rules.apply(path, &mut headers);
        AssetResponse {
            status: StatusCode::TEMPORARY_REDIRECT,
            headers,
            body: Bytes::new(),
        }
    }

    /// The answer with `file` (its `body` empty for HEAD).
    fn respond(
        &self,
        url: &str,
        status: StatusCode,
        file: &AssetFile,
        body: Bytes,
        request: &HeaderMap,
    ) -> AssetResponse {
        let etag = &file.etag;
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(etag) {
            headers.insert(http::header::ETAG, value);
        }
        headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static(DEFAULT_CACHE_CONTROL),
        );
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(file.content_type),
        );
        self.rules.apply(url, &mut headers);
        if status == StatusCode::OK && matches_etag(request, etag) {
            headers.remove(http::header::CONTENT_TYPE);
            return AssetResponse {
                status: StatusCode::NOT_MODIFIED,
                headers,
                body: Bytes::new(),
            };
        }
        AssetResponse {
            status,
            headers,
            body,
        }
    }
}

/// The strong, quoted ETag of `body`: the first 32 hex digits of its SHA-256.
fn etag(body: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, body);
    format!("\"{}\"", super::hex(&digest.as_ref()[..16]))
}

/// Whether the request's `If-None-Match` names `etag` (weakly compared, `*` included).
fn matches_etag(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(http::header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// The percent-decoded path, refused if it is not UTF-8, holds a NUL or backslash, or has a
/// `.` or `..` segment.
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).ok()?;
    let bad = path.contains('\0')
        || path.contains('\\')
        || !path.starts_with('/')
        || path.split('/').any(|s| s == "." || s == "..");
    (!bad).then_some(path)
}

/// `path` percent-encoded for a Location header (controls, spaces and non-ASCII).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_graphic() && b != b'%' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The Content-Type of `file` by its extension.
fn content_type(file: &Path) -> &'static str {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" | "cjs" => "application/javascript",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// The `env.ASSETS` object: `fetch(request | url)` answers with the asset for the URL's
/// path (a 404 when there is none), whatever the method (GET unless HEAD); files are read
/// on the I/O runtime.
pub(crate) fn binding<'js>(
    ctx: &Ctx<'js>,
    host: &Rc<Host>,
    assets: &Arc<Assets>,
) -> Result<Value<'js>> {
    let assets = assets.clone();
    let host = host.clone();
    let serve = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, method: String, path: String, etag: Option<String>| {
            let method = if method.eq_ignore_ascii_case("HEAD") {
                Method::HEAD
            } else {
                Method::GET
            };
            let mut request = HeaderMap::new();
            if let Some(value) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
                request.insert(http::header::IF_NONE_MATCH, value);
            }
            let assets = assets.clone();
            // The file is read off the JS thread.
            let work = async move { Ok(assets.serve(&method, &path, &request)) };
            host.spawn_op(&ctx, work, |ctx, answer| {
                to_js(ctx, answer).map(|o| o.into_value())
            })
        },
    )?;
    let make: Function = crate::js::internal(ctx)?.get("assetsBinding")?;
    make.call((serve,))
}

/// `{status, headers: [[name, value]...], body: Uint8Array}` for `answer` (404 when none).
fn to_js<'js>(ctx: &Ctx<'js>, answer: Option<AssetResponse>) -> Result<Object<'js>> {
    let out = Object::new(ctx.clone())?;
    let Some(answer) = answer else {
        out.set("status", 404)?;
        out.set("headers", rquickjs::Array::new(ctx.clone())?)?;
        out.set(
            "body",
            rquickjs::TypedArray::<u8>::new(ctx.clone(), b"Not Found".to_vec())?,
        )?;
        return Ok(out);
    };
    out.set("status", answer.status.as_u16())?;
    out.set("headers", header_pairs(ctx, &answer.headers)?)?;
    out.set(
        "body",
        rquickjs::TypedArray::<u8>::new(ctx.clone(), answer.body.to_vec())?,
    )?;
    Ok(out)
}
