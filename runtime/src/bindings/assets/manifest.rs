//! The files of an asset directory, listed once (on first use) instead of on every request:
//! each with its ETag (SHA-256 of its bytes) and Content-Type, and its bytes kept in memory
//! when small (up to a budget per version), so serving a common asset does no file I/O and
//! no hashing. Only regular files inside the directory are listed: a symlink pointing
//! outside it is left out.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

/// Files at most this large are kept in memory.
const CACHED_FILE_MAX: u64 = 256 * 1024;
/// Bytes kept in memory per asset directory at most.
const CACHE_BUDGET: u64 = 32 * 1024 * 1024;
/// Files listed per asset directory at most (Cloudflare's limit per version).
const MAX_FILES: usize = 100_000;

/// One file of the directory.
#[derive(Debug)]
pub(super) struct AssetFile {
    /// Its path (canonical, inside the directory).
    pub path: PathBuf,
    /// The strong, quoted ETag.
    pub etag: String,
    /// The Content-Type by its extension.
    pub content_type: &'static str,
    /// Its bytes, when kept in memory.
    cached: Option<Bytes>,
}

impl AssetFile {
    /// The file's bytes: from memory, or read now.
    pub fn body(&self) -> Option<Bytes> {
        match &self.cached {
            Some(bytes) => Some(bytes.clone()),
            None => fs::read(&self.path).ok().map(Bytes::from),
        }
    }
}

/// The files by URL path relative to the directory (`a/b.html`).
#[derive(Debug, Default)]
pub(super) struct Manifest {
    files: HashMap<String, Arc<AssetFile>>,
}

impl Manifest {
    /// Lists the regular files under `dir` (canonical) but those `hidden` says to leave out
    /// (by relative URL path), so a lookup is all a request needs.
    pub fn build(dir: &Path, hidden: impl Fn(&str) -> bool) -> Manifest {
        let mut files = HashMap::new();
        let mut budget = CACHE_BUDGET;
        let mut stack = vec![dir.to_path_buf()];
        while let Some(here) = stack.pop() {
            let Ok(entries) = fs::read_dir(&here) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(real) = fs::canonicalize(entry.path()) else {
                    continue;
                };
                if !real.starts_with(dir) || files.len() >= MAX_FILES {
                    continue;
                }
                let Ok(meta) = fs::metadata(&real) else {
                    continue;
                };
                if meta.is_dir() {
                    if entry.file_type().is_ok_and(|t| t.is_dir()) {
                        stack.push(entry.path());
                    }
                    continue;
                }
                let Ok(relative) = entry.path().strip_prefix(dir).map(Path::to_path_buf) else {
                    continue;
                };
                let Some(url) = relative.to_str().map(str::to_string) else {
                    continue;
                };
                if hidden(&url) {
                    continue;
                }
                let Ok(bytes) = fs::read(&real) else {
                    continue;
                };
                let keep = meta.len() <= CACHED_FILE_MAX && meta.len() <= budget;
                if keep {
                    budget -= meta.len();
                }
                let file = AssetFile {
                    etag: super::etag(&bytes),
                    content_type: super::content_type(&real),
                    cached: keep.then(|| Bytes::from(bytes)),
                    path: real,
                };
                files.insert(url, Arc::new(file));
            }
        }
        Manifest { files }
    }

    /// The file at relative URL path `rel`.
    pub fn get(&self, rel: &str) -> Option<&Arc<AssetFile>> {
        self.files.get(rel)
    }
}
