//! A project's files as a deploy takes them: copied into a staging directory (regular files
//! and directories only — a symlink, device or socket is refused by name), within a size and
//! file-count limit, and digested into the content id of a version.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use ring::digest::{Context, SHA256};

/// Directories a deploy never takes: version control and local tool state.
const SKIPPED: [&str; 3] = [".git", "node_modules", ".wrangler/state"];

/// How much one version may hold.
#[derive(Debug, Clone, Copy)]
pub struct TreeLimits {
    /// Bytes of all files together.
    pub max_bytes: u64,
    /// Number of files.
    pub max_files: usize,
}

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

/// Copies the files under `src` into `dst` (which must not exist), fsyncing each file.
pub fn copy(src: &Path, dst: &Path, limits: TreeLimits) -> Result<TreeSize, TreeError> {
    let mut size = TreeSize::default();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let from = src.join(&relative);
        let to = dst.join(&relative);
        fs::create_dir(&to).map_err(|e| io_error(&to, e))?;
        let mut entries: Vec<_> = fs::read_dir(&from)
            .map_err(|e| io_error(&from, e))?
            .collect::<Result<_, _>>()
            .map_err(|e| io_error(&from, e))?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let child = relative.join(entry.file_name());
            if skipped(&child) {
                continue;
            }
            let kind = entry.file_type().map_err(|e| io_error(&child, e))?;
            if kind.is_dir() {
                stack.push(child);
            } else if kind.is_file() {
                let len = entry.metadata().map_err(|e| io_error(&child, e))?.len();
                limits.admit(&mut size, len)?;
                copy_file(&src.join(&child), &dst.join(&child)).map_err(|e| io_error(&child, e))?;
            } else {
                return Err(TreeError::NotRegular(child.display().to_string()));
            }
        }
    }
    Ok(size)
}

fn copy_file(from: &Path, to: &Path) -> io::Result<()> {
    let mut input = File::open(from)?;
    let mut output = File::create_new(to)?;
    io::copy(&mut input, &mut output)?;
    output.flush()?;
    output.sync_all()
}

/// The content id of the tree under `dir`: SHA-256 over every file's relative path and
/// contents, in path order, as 12 hex digits. The same files give the same id wherever and
/// whenever they were copied.
pub fn digest(dir: &Path) -> Result<String, TreeError> {
    let mut files = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let here = dir.join(&relative);
        for entry in fs::read_dir(&here).map_err(|e| io_error(&here, e))? {
            let entry = entry.map_err(|e| io_error(&here, e))?;
            let child = relative.join(entry.file_name());
            let kind = entry.file_type().map_err(|e| io_error(&child, e))?;
            if kind.is_dir() {
                stack.push(child);
            } else if kind.is_file() {
                files.push(child);
            } else {
                return Err(TreeError::NotRegular(child.display().to_string()));
            }
        }
    }
    files.sort();
    let mut context = Context::new(&SHA256);
    let mut buffer = vec![0u8; 64 * 1024];
    for relative in files {
        let name = relative.to_string_lossy();
        context.update(&(name.len() as u64).to_le_bytes());
        context.update(name.as_bytes());
        let path = dir.join(&relative);
        let mut file = File::open(&path).map_err(|e| io_error(&relative, e))?;
        let len = file.metadata().map_err(|e| io_error(&relative, e))?.len();
        context.update(&len.to_le_bytes());
        loop {
            let n = file.read(&mut buffer).map_err(|e| io_error(&relative, e))?;
            if n == 0 {
                break;
            }
            context.update(&buffer[..n]);
        }
    }
    Ok(context.finish().as_ref()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn io_error(path: &Path, error: io::Error) -> TreeError {
    TreeError::Io(path.display().to_string(), error)
}
