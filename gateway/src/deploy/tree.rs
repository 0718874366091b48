//! A project's files as a deploy takes them: copied into a staging directory (regular files
//! and directories only — a symlink, device or socket is refused by name), within a size and
//! file-count limit, and digested into the content id of a version. The tree is walked and
//! its files opened beneath its directory (`confined::Root`), so a file swapped for a link
//! while the deploy runs still cannot be read from outside the project.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use ring::digest::{Context, SHA256};

use crate::confined::Root;

/// Directories a deploy never takes: version control and local tool state.
const SKIPPED: [&str; 3] = [".git", "node_modules", ".wrangler/state"];

pub use crate::config::TreeLimits;

/// What a tree holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeSize {
    /// Bytes of all files together.
    pub bytes: u64,
    /// Number of files.
    pub files: usize,
}

/// Why a tree cannot be taken.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// A symlink, device, socket or pipe.
    #[error("{0}: not a regular file or directory (symlinks are not deployed)")]
    NotRegular(String),
    /// An archive path that is absolute or climbs out with `..`.
    #[error("{0}: the path leaves the project directory")]
    Escapes(String),
    /// Over the byte or file limit.
    #[error("the project is larger than the limit of {0}")]
    TooLarge(String),
    /// Reading or writing failed.
    #[error("{0}: {1}")]
    Io(String, io::Error),
}

impl TreeLimits {
    /// Counts one more file of `len` bytes into `size`, or says which limit it breaks.
    pub fn admit(&self, size: &mut TreeSize, len: u64) -> Result<(), TreeError> {
        size.files += 1;
        size.bytes += len;
        if size.files > self.max_files {
            return Err(TreeError::TooLarge(format!("{} files", self.max_files)));
        }
        if size.bytes > self.max_bytes {
            return Err(TreeError::TooLarge(format!("{} bytes", self.max_bytes)));
        }
        Ok(())
    }
}

/// Whether a relative path is one a deploy never takes.
pub fn skipped(relative: &Path) -> bool {
    SKIPPED.iter().any(|s| relative == Path::new(s))
}

/// The files under `root` (relative paths, sorted, with their sizes), skipping what a deploy
/// never takes and refusing anything but regular files and directories.
pub fn files(root: &Root) -> Result<Vec<(PathBuf, u64)>, TreeError> {
    let mut files = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let here = root.dir().join(&relative);
        let entries = root
            .open_dir(&here)
            .and_then(|d| d.entries())
            .map_err(|e| io_error(&here, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&here, e))?;
            let child = relative.join(entry.file_name());
            if skipped(&child) {
                continue;
            }
            let kind = entry.file_type().map_err(|e| io_error(&child, e))?;
            if kind.is_dir() {
                stack.push(child);
            } else if kind.is_file() {
                let len = entry.metadata().map_err(|e| io_error(&child, e))?.len();
                files.push((child, len));
            } else {
                return Err(TreeError::NotRegular(child.display().to_string()));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Checks the files of `root` against `limits`; returns their size.
pub fn measure(
    root: &Root,
    limits: TreeLimits,
) -> Result<(Vec<(PathBuf, u64)>, TreeSize), TreeError> {
    let files = files(root)?;
    let mut size = TreeSize::default();
    for (_, len) in &files {
        limits.admit(&mut size, *len)?;
    }
    Ok((files, size))
}

/// Copies the files under `src` into `dst` (which must not exist), fsyncing each file.
pub fn copy(src: &Path, dst: &Path, limits: TreeLimits) -> Result<TreeSize, TreeError> {
    let root = open_root(src)?;
    let (files, size) = measure(&root, limits)?;
    fs::create_dir_all(dst).map_err(|e| io_error(dst, e))?;
    for (relative, _) in files {
        let to = dst.join(&relative);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(&relative, e))?;
        }
        copy_file(&root, &relative, &to).map_err(|e| io_error(&relative, e))?;
    }
    Ok(size)
}

/// The project directory `dir`, opened for reading beneath it.
pub fn open_root(dir: &Path) -> Result<Root, TreeError> {
    Root::new(dir).map_err(|e| io_error(dir, e))
}

/// Opens the file `relative` of the tree beneath its root.
pub fn open(root: &Root, relative: &Path) -> io::Result<File> {
    root.open(&root.dir().join(relative)).map(|f| f.into_std())
}

fn copy_file(root: &Root, relative: &Path, to: &Path) -> io::Result<()> {
    let mut input = open(root, relative)?;
    let mut output = File::create_new(to)?;
    io::copy(&mut input, &mut output)?;
    output.flush()?;
    output.sync_all()
}

/// The content id of the tree under `dir`: SHA-256 over every file's relative path and
/// contents, in path order, as 12 hex digits. The same files give the same id wherever and
/// whenever they were copied.
pub fn digest(dir: &Path) -> Result<String, TreeError> {
    let mut context = Context::new(&SHA256);
    let mut buffer = vec![0u8; 64 * 1024];
    let root = open_root(dir)?;
    for (relative, len) in files(&root)? {
        let name = relative.to_string_lossy();
        context.update(&(name.len() as u64).to_le_bytes());
        context.update(name.as_bytes());
        context.update(&len.to_le_bytes());
        let mut file = open(&root, &relative).map_err(|e| io_error(&relative, e))?;
        loop {
            let n = file.read(&mut buffer).map_err(|e| io_error(&relative, e))?;
            if n == 0 {
                break;
            }
            context.update(&buffer[..n]);
        }
    }
    Ok(crate::auth::hex(&context.finish().as_ref()[..6]))
}

pub(super) fn io_error(path: &Path, error: io::Error) -> TreeError {
    TreeError::Io(path.display().to_string(), error)
}
