//! The upload form of a project: a gzip-compressed tar of its files. `pack` makes one on the
//! CLI's side (the files a deploy takes, nothing else); `unpack` takes one apart on the
//! gateway's, into a staging directory, refusing links, devices, absolute paths and `..`, and
//! stopping at the size limit however well the archive compresses.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use tar::EntryType;

use super::tree::{self, io_error, TreeError, TreeLimits, TreeSize};

/// The project in `dir` as a `.tar.gz`, within `limits`.
pub fn pack(dir: &Path, limits: TreeLimits) -> Result<Vec<u8>, TreeError> {
    let root = tree::open_root(dir)?;
    let (files, _) = tree::measure(&root, limits)?;
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    for (relative, _) in files {
        let mut file = tree::open(&root, &relative).map_err(|e| io_error(&relative, e))?;
        builder
            .append_file(&relative, &mut file)
            .map_err(|e| io_error(&relative, e))?;
    }
    let gz = builder.into_inner().map_err(|e| io_error(dir, e))?;
    gz.finish().map_err(|e| io_error(dir, e))
}

/// Unpacks the `.tar.gz` in `archive` into `dst` (which must not exist), within `limits`.
pub fn unpack(archive: impl Read, dst: &Path, limits: TreeLimits) -> Result<TreeSize, TreeError> {
    fs::create_dir_all(dst).map_err(|e| io_error(dst, e))?;
    let mut size = TreeSize::default();
    let mut tar = tar::Archive::new(GzDecoder::new(archive));
    let upload = Path::new("upload");
    for entry in tar.entries().map_err(|e| io_error(upload, e))? {
        let mut entry = entry.map_err(|e| io_error(upload, e))?;
        let raw = entry.path().map_err(|e| io_error(upload, e))?.into_owned();
        let relative = confined(&raw)?;
        let kind = entry.header().entry_type();
        if relative.as_os_str().is_empty() || tree::skipped(&relative) || skipped_parent(&relative)
        {
            continue;
        }
        match kind {
            EntryType::Directory => {
                fs::create_dir_all(dst.join(&relative)).map_err(|e| io_error(&relative, e))?;
            }
            EntryType::Regular | EntryType::Continuous => {
                let declared = entry.header().size().map_err(|e| io_error(&relative, e))?;
                limits.admit(&mut size, declared)?;
                let to = dst.join(&relative);
                if let Some(parent) = to.parent() {
                    fs::create_dir_all(parent).map_err(|e| io_error(&relative, e))?;
                }
                let mut output = File::create_new(&to).map_err(|e| io_error(&relative, e))?;
                let written = io::copy(&mut (&mut entry).take(declared), &mut output)
                    .map_err(|e| io_error(&relative, e))?;
                if written != declared {
                    return Err(io_error(
                        &relative,
                        io::Error::new(io::ErrorKind::UnexpectedEof, "the archive is cut short"),
                    ));
                }
                output.flush().map_err(|e| io_error(&relative, e))?;
                output.sync_all().map_err(|e| io_error(&relative, e))?;
            }
            EntryType::XGlobalHeader | EntryType::XHeader => {}
            _ => return Err(TreeError::NotRegular(relative.display().to_string())),
        }
    }
    Ok(size)
}

/// A path from an archive as a relative path of plain names, or an error naming it.
fn confined(raw: &Path) -> Result<PathBuf, TreeError> {
    let mut out = PathBuf::new();
    for component in raw.components() {
        match component {
            Component::Normal(name) => out.push(name),
            Component::CurDir => {}
            _ => return Err(TreeError::Escapes(raw.display().to_string())),
        }
    }
    Ok(out)
}

/// Whether a path lies inside a directory a deploy never takes.
fn skipped_parent(relative: &Path) -> bool {
    relative.ancestors().skip(1).any(tree::skipped)
}
