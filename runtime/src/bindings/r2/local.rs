//! The local bucket: keys and metadata in SQLite (`<dir>/bucket.sqlite`, WAL), object bytes
//! in `<dir>/blobs` (`local::blobs`), each blob named by a hash of the object's key and
//! version, so neither a key nor anything the index holds ever becomes a path.

mod blobs;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use md5::{Digest, Md5};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{params, Connection, OptionalExtension, Row};

use blobs::{BlobName, Blobs};

use super::listing;
use super::multipart::{self, Part};
use super::store::{
    hex, Conditions, Fields, Found, ListOptions, Listing, Meta, NewObject, ObjectStore, R2Error,
    RangeSpec,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS objects (
  key TEXT PRIMARY KEY, blob TEXT NOT NULL, version TEXT NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, uploaded INTEGER NOT NULL, http TEXT NOT NULL, custom TEXT NOT NULL,
  checksums TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY, key TEXT NOT NULL, http TEXT NOT NULL, custom TEXT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS parts (
  upload TEXT NOT NULL, number INTEGER NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, PRIMARY KEY (upload, number));
";

/// The columns of an object's metadata. Its `blob` column (as that of `parts`) named the blob
/// in buckets made before blobs had computed names; it is kept empty now.
const COLUMNS: &str = "key, version, size, etag, uploaded, http, custom, checksums";

/// `PRAGMA user_version` of a bucket whose blobs are named by `BlobName` (before, blobs had
/// random names the index recorded).
const HASHED_NAMES: i64 = 1;

/// What became of a multipart upload (`uploads.state`).
const IN_PROGRESS: i64 = 0;
const COMPLETED: i64 = 1;
const ABORTED: i64 = 2;

/// A bucket kept in a local directory.
pub(crate) struct LocalStore {
    blobs: Blobs,
    db: Mutex<Connection>,
}

fn internal<E: std::fmt::Display>(error: E) -> R2Error {
    R2Error::internal(&error)
}

/// A fresh random id (32 hex digits), for versions and upload ids.
fn random_id() -> Result<String, R2Error> {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| internal("no randomness"))?;
    Ok(hex(&bytes))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// R2's name for `algorithm` (`md5`, `sha1`, ...) and the hex digest of `body` under it.
fn digest(algorithm: &str, body: &[u8]) -> Option<(&'static str, String)> {
    let (name, ring_algorithm) = match algorithm {
        "md5" => return Some(("MD5", hex(&Md5::digest(body)))),
        "sha1" => ("SHA-1", &ring::digest::SHA1_FOR_LEGACY_USE_ONLY),
        "sha256" => ("SHA-256", &ring::digest::SHA256),
        "sha384" => ("SHA-384", &ring::digest::SHA384),
        "sha512" => ("SHA-512", &ring::digest::SHA512),
        _ => return None,
    };
    Some((
        name,
        hex(ring::digest::digest(ring_algorithm, body).as_ref()),
    ))
}

fn json(fields: &Fields) -> Result<String, R2Error> {
    serde_json::to_string(fields).map_err(internal)
}

fn fields(text: &str) -> rusqlite::Result<Fields> {
    serde_json::from_str(text).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// An object row (its `COLUMNS`).
fn meta_of(row: &Row<'_>) -> rusqlite::Result<Meta> {
    Ok(Meta {
        key: row.get(0)?,
        version: row.get(1)?,
        size: row.get::<_, i64>(2)?.max(0) as u64,
        etag: row.get(3)?,
        uploaded: row.get(4)?,
        http_metadata: fields(&row.get::<_, String>(5)?)?,
        custom_metadata: fields(&row.get::<_, String>(6)?)?,
        checksums: fields(&row.get::<_, String>(7)?)?,
        range: None,
    })
}

/// The blob holding `meta`'s bytes.
fn blob_of(meta: &Meta) -> BlobName {
    BlobName::object(&meta.key, &meta.version)
}

impl LocalStore {
    /// Opens (creating if need be) the bucket kept in `dir`.
    pub(crate) fn open(dir: &Path) -> Result<LocalStore, R2Error> {
        let blobs = Blobs::open(&dir.join("blobs")).map_err(internal)?;
        let db = Connection::open(dir.join("bucket.sqlite")).map_err(internal)?;
        db.pragma_update(None, "journal_mode", "WAL")
            .map_err(internal)?;
        db.pragma_update(None, "synchronous", "FULL")
            .map_err(internal)?;
        db.execute_batch(SCHEMA).map_err(internal)?;
        add_upload_state(&db)?;
        hash_blob_names(&db, &blobs)?;
        Ok(LocalStore {
            blobs,
            db: Mutex::new(db),
        })
    }

    fn db(&self) -> Result<MutexGuard<'_, Connection>, R2Error> {
        self.db.lock().map_err(|_| internal("bucket lock poisoned"))
    }

    fn find(db: &Connection, key: &str) -> Result<Option<Meta>, R2Error> {
        db.query_row(
            &format!("SELECT {COLUMNS} FROM objects WHERE key = ?1"),
            [key],
            meta_of,
        )
        .optional()
        .map_err(internal)
    }

    /// Records `meta` as the object under its key (its bytes already written to its blob);
    /// drops the blob of the object it replaces.
    fn record(&self, db: &Connection, meta: &Meta) -> Result<(), R2Error> {
        let old = Self::find(db, &meta.key)?;
        db.execute(
            &format!(
                "INSERT OR REPLACE INTO objects ({COLUMNS}, blob) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"
            ),
            params![
                meta.key,
                meta.version,
                meta.size as i64,
                meta.etag,
                meta.uploaded,
                json(&meta.http_metadata)?,
                json(&meta.custom_metadata)?,
                json(&meta.checksums)?,
                ""
            ],
        )
        .map_err(internal)?;
        if let Some(old) = old.map(|old| blob_of(&old)) {
            if old != blob_of(meta) {
                self.blobs.remove(&old);
            }
        }
        Ok(())
    }
}

impl ObjectStore for LocalStore {
    fn head(&self, key: &str) -> Result<Option<Meta>, R2Error> {
        Ok(Self::find(&*self.db()?, key)?.map(whole))
    }

    fn get(
        &self,
        key: &str,
        conditions: &Conditions,
        range: Option<&RangeSpec>,
    ) -> Result<Found, R2Error> {
        let db = self.db()?;
        let Some(mut meta) = Self::find(&db, key)? else {
            return Ok(Found::Missing);
        };
        if !conditions.hold(Some(&meta)) {
            return Ok(Found::Unmet(whole(meta)));
        }
        let (offset, length) = match range {
            Some(range) => range.resolve(meta.size)?,
            None => (0, meta.size),
        };
        let bytes = self
            .blobs
            .read(&blob_of(&meta), offset, length)
            .map_err(internal)?;
        meta.range = Some((offset, length));
        Ok(Found::Body(meta, bytes))
    }

    fn put(
        &self,
        key: &str,
        body: Bytes,
        object: &NewObject,
        conditions: &Conditions,
    ) -> Result<Option<Meta>, R2Error> {
        let mut checksums = Fields::new();
        let md5 = hex(&Md5::digest(&body));
        if let Some((algorithm, given)) = &object.checksum {
            let (name, actual) = digest(algorithm, &body)
                .ok_or_else(|| internal(format!("unknown checksum {algorithm}")))?;
            if !actual.eq_ignore_ascii_case(given) {
                return Err(R2Error::bad_digest(name, given, &actual));
            }
            checksums.insert(algorithm.clone(), actual);
        }
        checksums.insert("md5".into(), md5.clone());
        let db = self.db()?;
        if !conditions.hold(Self::find(&db, key)?.as_ref()) {
            return Ok(None);
        }
        let meta = Meta {
            key: key.to_string(),
            version: random_id()?,
            size: body.len() as u64,
            etag: md5,
            uploaded: now_ms(),
            http_metadata: object.http_metadata.clone(),
            custom_metadata: object.custom_metadata.clone(),
            checksums,
            range: None,
        };
        self.blobs.write(&blob_of(&meta), &body).map_err(internal)?;
        self.record(&db, &meta)?;
        Ok(Some(meta))
    }

    fn delete(&self, keys: &[String]) -> Result<(), R2Error> {
        let db = self.db()?;
        for key in keys {
            if let Some(meta) = Self::find(&db, key)? {
                db.execute("DELETE FROM objects WHERE key = ?1", [key])
                    .map_err(internal)?;
                self.blobs.remove(&blob_of(&meta));
            }
        }
        Ok(())
    }

    fn list(&self, options: &ListOptions) -> Result<Listing, R2Error> {
        let db = self.db()?;
        let mut query = db
            .prepare(&format!(
                "SELECT {COLUMNS} FROM objects WHERE (?1 IS NULL OR key > ?1) AND substr(key, 1, length(?2)) = ?2 ORDER BY key"
            ))
            .map_err(internal)?;
        let prefix = options.prefix.clone().unwrap_or_default();
        let rows = query
            .query_map(params![listing::start_after(options), prefix], meta_of)
            .map_err(internal)?
            .map(|row| row.map_err(internal));
        listing::page(rows, options)
    }

    fn create_multipart(&self, key: &str, object: &NewObject) -> Result<String, R2Error> {
        let id = random_id()?;
        self.db()?
            .execute(
                "INSERT INTO uploads (id, key, http, custom) VALUES (?1, ?2, ?3, ?4)",
                params![
                    id,
                    key,
                    json(&object.http_metadata)?,
                    json(&object.custom_metadata)?
                ],
            )
            .map_err(internal)?;
        Ok(id)
    }

    fn upload_part(
        &self,
        key: &str,
        upload: &str,
        number: u32,
        body: Bytes,
    ) -> Result<String, R2Error> {
        let db = self.db()?;
        if find_upload(&db, key, upload)?.map(|u| u.state) != Some(IN_PROGRESS) {
            return Err(R2Error::no_such_upload());
        }
        let etag = hex(&Md5::digest(&body));
        let blob = BlobName::part(upload, number, &etag);
        self.blobs.write(&blob, &body).map_err(internal)?;
        let old: Option<String> = db
            .query_row(
                "SELECT etag FROM parts WHERE upload = ?1 AND number = ?2",
                params![upload, number],
                |row| row.get(0),
            )
            .optional()
            .map_err(internal)?;
        db.execute(
            "INSERT OR REPLACE INTO parts (upload, number, blob, size, etag) VALUES (?1,?2,?3,?4,?5)",
            params![upload, number, "", body.len() as i64, etag],
        )
        .map_err(internal)?;
        if let Some(old) = old.map(|old| BlobName::part(upload, number, &old)) {
            if old != blob {
                self.blobs.remove(&old);
            }
        }
        Ok(etag)
    }

    fn abort_multipart(&self, key: &str, upload: &str) -> Result<(), R2Error> {
        let db = self.db()?;
        let found = find_upload(&db, key, upload)?.ok_or_else(R2Error::unknown_upload)?;
        if found.state != IN_PROGRESS {
            return Ok(());
        }
        self.finish(&db, upload, ABORTED)
    }

    fn complete_multipart(
        &self,
        key: &str,
        upload: &str,
        parts: &[(u32, String)],
    ) -> Result<Meta, R2Error> {
        let db = self.db()?;
        let found = find_upload(&db, key, upload)?.ok_or_else(R2Error::unknown_upload)?;
        if found.state != IN_PROGRESS {
            return Err(R2Error::no_such_upload());
        }
        let stored = parts_of(&db, upload)?;
        let chosen = multipart::choose(&stored, parts)?;
        let mut body = Vec::new();
        for part in &chosen {
            let blob = BlobName::part(upload, part.number, &part.etag);
            body.extend_from_slice(&self.blobs.read(&blob, 0, part.size).map_err(internal)?);
        }
        let meta = Meta {
            key: key.to_string(),
            version: random_id()?,
            size: body.len() as u64,
            etag: multipart::etag(&chosen),
            uploaded: now_ms(),
            http_metadata: found.http,
            custom_metadata: found.custom,
            checksums: Fields::new(),
            range: None,
        };
        self.blobs.write(&blob_of(&meta), &body).map_err(internal)?;
        self.record(&db, &meta)?;
        self.finish(&db, upload, COMPLETED)?;
        Ok(meta)
    }
}

impl LocalStore {
    /// Marks `upload` as `state` and drops its parts.
    fn finish(&self, db: &Connection, upload: &str, state: i64) -> Result<(), R2Error> {
        for part in parts_of(db, upload)? {
            self.blobs
                .remove(&BlobName::part(upload, part.number, &part.etag));
        }
        db.execute("DELETE FROM parts WHERE upload = ?1", [upload])
            .map_err(internal)?;
        db.execute(
            "UPDATE uploads SET state = ?2 WHERE id = ?1",
            params![upload, state],
        )
        .map_err(internal)?;
        Ok(())
    }
}

/// `meta` as `head` shows it: its range is the whole object.
fn whole(meta: Meta) -> Meta {
    Meta {
        range: Some((0, meta.size)),
        ..meta
    }
}

/// Adds `uploads.state` to a bucket made before uploads kept it (finished uploads were
/// deleted then, so every upload left is in progress).
fn add_upload_state(db: &Connection) -> Result<(), R2Error> {
    let has_state = db
        .prepare("SELECT 1 FROM pragma_table_info('uploads') WHERE name = 'state'")
        .and_then(|mut q| q.exists([]))
        .map_err(internal)?;
    if !has_state {
        db.execute_batch("ALTER TABLE uploads ADD COLUMN state INTEGER NOT NULL DEFAULT 0")
            .map_err(internal)?;
    }
    Ok(())
}

/// Gives the blobs of a bucket made before blobs were named by `BlobName` (random names the
/// index recorded in its `blob` columns) their computed names, once, in one transaction. A
/// recorded name only renames a file of the blob directory if it has the shape Sitegate gave
/// it; any other is left alone (its object then reads as missing bytes). The `blob` columns
/// are emptied: nothing reads them any more.
fn hash_blob_names(db: &Connection, blobs: &Blobs) -> Result<(), R2Error> {
    let version: i64 = db
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(internal)?;
    if version >= HASHED_NAMES {
        return Ok(());
    }
    db.execute_batch("BEGIN IMMEDIATE").map_err(internal)?;
    let renamed = rename_blobs(db, blobs).and_then(|()| {
        db.execute_batch(&format!(
            "UPDATE objects SET blob = ''; UPDATE parts SET blob = ''; PRAGMA user_version = {HASHED_NAMES};"
        ))
        .map_err(internal)
    });
    let end = if renamed.is_ok() {
        "COMMIT"
    } else {
        "ROLLBACK"
    };
    db.execute_batch(end).map_err(internal)?;
    renamed
}

/// Renames each blob the index records to the name computed for it.
fn rename_blobs(db: &Connection, blobs: &Blobs) -> Result<(), R2Error> {
    let objects = recorded(db, "SELECT blob, key, version FROM objects", |row| {
        let key: String = row.get(1)?;
        let name = BlobName::object(&key, &row.get::<_, String>(2)?);
        Ok((key, name))
    })?;
    let parts = recorded(db, "SELECT blob, upload, number, etag FROM parts", |row| {
        let upload: String = row.get(1)?;
        let name = BlobName::part(&upload, row.get(2)?, &row.get::<_, String>(3)?);
        Ok((upload, name))
    })?;
    for (recorded, id, name) in objects.into_iter().chain(parts) {
        match BlobName::legacy(&recorded) {
            Some(old) if old == name => {}
            Some(old) => match blobs.rename(&old, &name) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    tracing::warn!(%id, "r2 blob missing when renamed")
                }
                outcome => outcome.map_err(internal)?,
            },
            None => {
                tracing::warn!(%id, blob = %recorded, "r2 index names a blob Sitegate never wrote; left alone")
            }
        }
    }
    Ok(())
}

/// `(recorded blob name, id, computed name)` of each row of `sql`, whose first column is the
/// recorded name; `id_and_name` gives the rest.
fn recorded(
    db: &Connection,
    sql: &str,
    id_and_name: impl Fn(&Row<'_>) -> rusqlite::Result<(String, BlobName)>,
) -> Result<Vec<(String, String, BlobName)>, R2Error> {
    let mut query = db.prepare(sql).map_err(internal)?;
    let rows = query
        .query_map([], |row| {
            let (id, name) = id_and_name(row)?;
            Ok((row.get(0)?, id, name))
        })
        .map_err(internal)?;
    rows.collect::<rusqlite::Result<_>>().map_err(internal)
}

/// A multipart upload as stored.
struct Upload {
    http: Fields,
    custom: Fields,
    state: i64,
}

/// Upload `upload` to `key`, if R2 issued it.
fn find_upload(db: &Connection, key: &str, upload: &str) -> Result<Option<Upload>, R2Error> {
    db.query_row(
        "SELECT http, custom, state FROM uploads WHERE id = ?1 AND key = ?2",
        params![upload, key],
        |row| {
            Ok(Upload {
                http: fields(&row.get::<_, String>(0)?)?,
                custom: fields(&row.get::<_, String>(1)?)?,
                state: row.get(2)?,
            })
        },
    )
    .optional()
    .map_err(internal)
}

/// The parts of `upload`, in part-number order.
fn parts_of(db: &Connection, upload: &str) -> Result<Vec<Part>, R2Error> {
    let mut query = db
        .prepare("SELECT number, size, etag FROM parts WHERE upload = ?1 ORDER BY number")
        .map_err(internal)?;
    let rows = query
        .query_map([upload], |row| {
            Ok(Part {
                number: row.get(0)?,
                size: row.get::<_, i64>(1)?.max(0) as u64,
                etag: row.get(2)?,
            })
        })
        .map_err(internal)?;
    rows.collect::<rusqlite::Result<_>>().map_err(internal)
}
