//! Crash-safe file writes (temp file, fsync, rename, fsync of the directory) and private
//! folders: for the CA and issued keys here, and for the gateway's keys, tokens, secrets and
//! deploy records.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::CertError;

/// Permissions for files holding private keys and other secrets.
pub const KEY_MODE: u32 = 0o600;
/// Permissions for files anyone may read (certificates).
pub const PUBLIC_MODE: u32 = 0o644;

/// A file or folder that could not be written, and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct FileError {
    /// The file or folder (the temporary file, when writing it failed).
    pub path: PathBuf,
    /// What the system said.
    pub source: std::io::Error,
}

impl From<FileError> for CertError {
    fn from(error: FileError) -> CertError {
        CertError::Write {
            path: error.path,
            source: error.source,
        }
    }
}

/// Writes `contents` to `path` so that a crash leaves either the old file or the new
/// one, never a torn one. The file is created with `mode` (Unix) before any byte is
/// written, so a key is never readable by others, not even briefly.
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> Result<(), FileError> {
    let write_err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| FileError { path: p, source }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));

    let result = (|| {
        // A stale temp file from a crashed run may exist with other permissions.
        match fs::remove_file(&tmp) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(write_err(&tmp)(e)),
        }
        let mut file = open_new(&tmp, mode).map_err(write_err(&tmp))?;
        file.write_all(contents).map_err(write_err(&tmp))?;
        file.sync_all().map_err(write_err(&tmp))?;
        drop(file);
        fs::rename(&tmp, path).map_err(write_err(path))?;
        sync_dir(&dir).map_err(write_err(&dir))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates `dir` (and parents) and, on Unix, restricts it to its owner.
pub fn create_private_dir(dir: &Path) -> Result<(), FileError> {
    let error = |source| FileError {
        path: dir.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(error)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(error)?;
    }
    Ok(())
}

/// Takes group and other permissions off `path` if it has any (Unix; elsewhere nothing);
/// answers the mode it had when it changed one, for the caller to warn about.
pub fn restrict_to_owner(path: &Path) -> Result<Option<u32>, FileError> {
    let error = |source| FileError {
        path: path.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).map_err(error)?.permissions().mode() & 0o777;
        if mode & 0o077 == 0 {
            return Ok(None);
        }
        fs::set_permissions(path, fs::Permissions::from_mode(KEY_MODE)).map_err(error)?;
        Ok(Some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, error);
        Ok(None)
    }
}

fn open_new(path: &Path, mode: u32) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let file = options.open(path)?;
    // The umask may have removed bits we asked for (e.g. 0644 under umask 077 is fine,
    // but make the mode exact either way).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    Ok(file)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
