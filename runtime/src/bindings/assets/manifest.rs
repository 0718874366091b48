//! The files of an asset directory, listed once (on first use) instead of on every request:
//! each with its ETag (SHA-256 of its bytes) and Content-Type, and its bytes kept in memory
//! when small (up to a budget per version), so serving a common asset does no file I/O and
//! no hashing. The directory is walked and its files opened beneath it (`cap-std`), so a
//! symlink pointing outside it is left out, and a file swapped for one after the listing
//! is not read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use cap_std::fs::Dir;

/// Files at most this large are kept in memory.
const CACHED_FILE_MAX: u64 = 256 * 1024;
/// Bytes kept in memory per asset directory at most.
const CACHE_BUDGET: u64 = 32 * 1024 * 1024;
/// Files listed per asset directory at most (Cloudflare's limit per version).
const MAX_FILES: usize = 100_000;

/// One file of the directory.
#[derive(Debug)]
pub(super) struct AssetFile {
    /// The directory, which the file is read beneath.
    dir: Arc<Dir>,
    /// Its path relative to the directory.
    path: PathBuf,
    /// The strong, quoted ETag.
    pub etag: String,
    /// The Content-Type by its extension.
    pub content_type: &'static str,
    /// Its bytes, when kept in memory.
    cached: Option<Bytes>,
}

impl AssetFile {
    /// The file's bytes: from memory, or read now (beneath the directory).
    pub fn body(&self) -> Option<Bytes> {
        match &self.cached {
            Some(bytes) => Some(bytes.clone()),
            None => self.dir.read(&self.path).ok().map(Bytes::from),
        }
    }
}

/// The files by URL path relative to the directory (`a/b.html`).
#[derive(Debug, Default)]
pub(super) struct Manifest {
    files: HashMap<String, Arc<AssetFile>>,
}

impl Manifest {
    /// Lists the regular files under `dir` but those `hidden` says to leave out (by relative
    /// URL path), so a lookup is all a request needs. A symlink is followed only to a file
    /// inside `dir`.
    pub fn build(dir: &Arc<Dir>, hidden: impl Fn(&str) -> bool) -> Manifest {
        let mut files = HashMap::new();
        let mut budget = CACHE_BUDGET;
        let mut stack = vec![PathBuf::new()];
        while let Some(here) = stack.pop() {
            let entries = match here.as_os_str().is_empty() {
                true => dir.entries(),
                false => dir.read_dir(&here),
            };
            let Ok(entries) = entries else {
                continue;
            };
            for entry in entries.flatten() {
                let relative = here.join(entry.file_name());
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    stack.push(relative);
                    continue;
                }
                if files.len() >= MAX_FILES {
                    continue;
                }
                // Followed beneath `dir`: a link leading out of it is an error.
                let Ok(meta) = dir.metadata(&relative) else {
                    continue;
                };
                let Some(url) = relative.to_str().map(str::to_string) else {
                    continue;
                };
                if !meta.is_file() || hidden(&url) {
                    continue;
                }
                let Ok(bytes) = dir.read(&relative) else {
                    continue;
                };
                let keep = meta.len() <= CACHED_FILE_MAX && meta.len() <= budget;
                if keep {
                    budget -= meta.len();
                }
                let file = AssetFile {
                    dir: dir.clone(),
                    etag: super::etag(&bytes),
                    content_type: super::content_type(Path::new(&url)),
                    cached: keep.then(|| Bytes::from(bytes)),
                    path: relative,
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
