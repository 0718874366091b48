//! The bytes of a bucket's objects and upload parts: files directly under its `blobs`
//! directory, named by a hash of what identifies them (an object's key and version, a part's
//! upload, number and etag), never by a name read back from the index, and reached only
//! through a handle on that directory, so that no name, whatever the index holds, leads out of
//! it.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use bytes::Bytes;
use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::bindings::hex;

#[cfg(test)]
mod tests;

/// A blob's file name: 32 lowercase hex digits, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BlobName(String);

impl BlobName {
    /// The blob of version `version` of the object under `key`.
    pub(crate) fn object(key: &str, version: &str) -> BlobName {
        BlobName::of(b"object", &[key.as_bytes(), version.as_bytes()])
    }

    /// The blob of part `number` (with `etag`) of multipart upload `upload`.
    pub(crate) fn part(upload: &str, number: u32, etag: &str) -> BlobName {
        let number = number.to_be_bytes();
        BlobName::of(b"part", &[upload.as_bytes(), &number, etag.as_bytes()])
    }

    /// A name as an earlier Sitegate stored it in the index (a random id of the same shape),
    /// if `name` is one.
    pub(crate) fn legacy(name: &str) -> Option<BlobName> {
        let shaped = name.len() == 32
            && name
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        shaped.then(|| BlobName(name.to_string()))
    }

    /// The first 16 bytes of the SHA-256 of `kind` and `fields`, each field preceded by its
    /// length so that no two lists of fields hash alike.
    fn of(kind: &[u8], fields: &[&[u8]]) -> BlobName {
        let mut hash = ring::digest::Context::new(&ring::digest::SHA256);
        hash.update(kind);
        for field in fields {
            hash.update(&(field.len() as u64).to_be_bytes());
            hash.update(field);
        }
        BlobName(hex(&hash.finish().as_ref()[..16]))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// Where a write of this blob is put together before it is renamed into place.
    fn temporary(&self) -> String {
        format!("{}.tmp", self.0)
    }
}

/// A bucket's blob directory, opened once.
pub(crate) struct Blobs {
    dir: Dir,
}

impl Blobs {
    /// The blob directory `dir`, created if missing.
    pub(crate) fn open(dir: &Path) -> io::Result<Blobs> {
        std::fs::create_dir_all(dir)?;
        Ok(Blobs {
            dir: Dir::open_ambient_dir(dir, ambient_authority())?,
        })
    }

    /// Writes `body` as blob `name`, whole or not at all (a temporary file, synced, renamed
    /// into place).
    pub(crate) fn write(&self, name: &BlobName, body: &[u8]) -> io::Result<()> {
        let temporary = name.temporary();
        let mut file = self.dir.create(&temporary)?;
        file.write_all(body)?;
        file.sync_all()?;
        self.dir.rename(&temporary, &self.dir, name.as_str())
    }

    /// `length` bytes of blob `name` from `offset` (fewer where it ends).
    pub(crate) fn read(&self, name: &BlobName, offset: u64, length: u64) -> io::Result<Bytes> {
        let mut file = self.dir.open(name.as_str())?;
        file.seek(SeekFrom::Start(offset))?;
        let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
        file.take(length).read_to_end(&mut bytes)?;
        Ok(Bytes::from(bytes))
    }

    /// Deletes blob `name`, if it is there.
    pub(crate) fn remove(&self, name: &BlobName) {
        if let Err(error) = self.dir.remove_file(name.as_str()) {
            tracing::debug!(%error, "r2 blob already gone");
        }
    }

    /// Gives blob `from` the name `to`; a blob `from` that is gone already is not an error
    /// when `to` is there (a rename done before a crash).
    pub(crate) fn rename(&self, from: &BlobName, to: &BlobName) -> io::Result<()> {
        match self.dir.rename(from.as_str(), &self.dir, to.as_str()) {
            Err(e) if e.kind() == io::ErrorKind::NotFound && self.dir.exists(to.as_str()) => Ok(()),
            outcome => outcome,
        }
    }
}
