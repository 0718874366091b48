//! The one check every path a project names goes through: joined onto the project root and
//! refused when absolute, when `..` climbs out of the root or when a symlink on the way leads
//! outside it; and the files read beneath the root through `cap-std`, which the kernel keeps
//! there however the tree changes after the check.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::{Dir, File};

/// A project's directory: the root every path it names must stay inside.
#[derive(Debug)]
pub struct Root {
    /// The directory as given (the paths handed out are under it).
    dir: PathBuf,
    /// Its real path, which resolved paths must start with.
    real: PathBuf,
    /// The directory opened, for reading beneath it.
    handle: Dir,
}

/// Why a path a project names is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Escape {
    /// An absolute path.
    #[error("an absolute path is not allowed; paths are relative to the project")]
    Absolute,
    /// `..` climbs above the project's directory.
    #[error("`..` climbs out of the project's directory")]
    Climbs,
    /// A symlink on the way points outside the project.
    #[error("a symlink on the way leads outside the project's directory")]
    Link,
    /// A NUL byte.
    #[error("the path holds a NUL byte")]
    Nul,
}

impl Root {
    /// The project in `dir`, which must exist.
    pub fn new(dir: &Path) -> io::Result<Root> {
        let real = fs::canonicalize(dir)?;
        let handle = Dir::open_ambient_dir(&real, ambient_authority())?;
        Ok(Root {
            dir: dir.to_path_buf(),
            real,
            handle,
        })
    }

    /// The directory as given.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `value`, a path relative to the folder `base` (the root or a path under it), as a
    /// path under the root; refused if it is absolute, climbs out with `..` or passes
    /// through a symlink leading outside. The path need not exist.
    pub fn join(&self, base: &Path, value: &str) -> Result<PathBuf, Escape> {
        if value.contains('\0') {
            return Err(Escape::Nul);
        }
        let mut parts = self.parts(base)?;
        for component in Path::new(value).components() {
            match component {
                Component::Normal(name) => parts.push(name.to_os_string()),
                Component::CurDir => {}
                Component::ParentDir => {
                    parts.pop().ok_or(Escape::Climbs)?;
                }
                Component::RootDir | Component::Prefix(_) => return Err(Escape::Absolute),
            }
        }
        let path = parts.iter().fold(self.dir.clone(), |path, p| path.join(p));
        self.check_links(&path)?;
        Ok(path)
    }

    /// Opens the file `path` (under the root) beneath the root.
    pub fn open(&self, path: &Path) -> io::Result<File> {
        self.handle.open(self.relative(path)?)
    }

    /// Opens the folder `path` (under the root) beneath the root.
    pub fn open_dir(&self, path: &Path) -> io::Result<Dir> {
        let relative = self.relative(path)?;
        if relative.as_os_str().is_empty() {
            return self.handle.try_clone();
        }
        self.handle.open_dir(relative)
    }

    /// The text of the file `path` (under the root), read beneath the root.
    pub fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.handle.read_to_string(self.relative(path)?)
    }

    /// `path` relative to the root, or an error if it is not under it.
    fn relative(&self, path: &Path) -> io::Result<PathBuf> {
        let parts = self
            .parts(path)
            .map_err(|e| io::Error::new(io::ErrorKind::PermissionDenied, e))?;
        Ok(parts.iter().collect())
    }

    /// The names leading from the root to `path`, a path under it.
    fn parts(&self, path: &Path) -> Result<Vec<OsString>, Escape> {
        let relative = path.strip_prefix(&self.dir).map_err(|_| Escape::Climbs)?;
        relative
            .components()
            .map(|component| match component {
                Component::Normal(name) => Ok(name.to_os_string()),
                _ => Err(Escape::Climbs),
            })
            .collect()
    }

    /// Refuses `path` if it, or the nearest of its ancestors that exists, really lies
    /// outside the root.
    fn check_links(&self, path: &Path) -> Result<(), Escape> {
        let real = path
            .ancestors()
            .find_map(|p| fs::canonicalize(p).ok())
            .ok_or(Escape::Link)?;
        match real.starts_with(&self.real) {
            true => Ok(()),
            false => Err(Escape::Link),
        }
    }
}

#[cfg(test)]
mod tests;
