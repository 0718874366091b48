//! The local bucket: object bytes in files named by random ids under `<dir>/blobs` (written
//! to a temporary file, synced and renamed into place), keys and metadata in SQLite
//! (`<dir>/bucket.sqlite`, WAL). A key never becomes a path, so no key reaches outside `dir`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use md5::{Digest, Md5};
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{params, Connection, OptionalExtension, Row};

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

const COLUMNS: &str = "key, blob, version, size, etag, uploaded, http, custom, checksums";

/// What became of a multipart upload (`uploads.state`).
const IN_PROGRESS: i64 = 0;
const COMPLETED: i64 = 1;
const ABORTED: i64 = 2;

/// A bucket kept in a local directory.
pub(crate) struct LocalStore {
    blobs: PathBuf,
    db: Mutex<Connection>,
}

fn internal<E: std::fmt::Display>(error: E) -> R2Error {
    R2Error::internal(&error)
}

/// A fresh random id (32 hex digits), for blob names, versions and upload ids.
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

/// An object row: its blob name and what it is.
fn meta_of(row: &Row<'_>) -> rusqlite::Result<(String, Meta)> {
    Ok((
        row.get(1)?,
        Meta {
            key: row.get(0)?,
            version: row.get(2)?,
            size: row.get::<_, i64>(3)?.max(0) as u64,
            etag: row.get(4)?,
            uploaded: row.get(5)?,
            http_metadata: fields(&row.get::<_, String>(6)?)?,
            custom_metadata: fields(&row.get::<_, String>(7)?)?,
            checksums: fields(&row.get::<_, String>(8)?)?,
            range: None,
        },
    ))
}

impl LocalStore {
    /// Opens (creating if need be) the bucket kept in `dir`.
    pub(crate) fn open(dir: &Path) -> Result<LocalStore, R2Error> {
        let blobs = dir.join("blobs");
        fs::create_dir_all(&blobs).map_err(internal)?;
        let db = Connection::open(dir.join("bucket.sqlite")).map_err(internal)?;
        db.pragma_update(None, "journal_mode", "WAL")
            .map_err(internal)?;
        db.pragma_update(None, "synchronous", "FULL")
            .map_err(internal)?;
        db.execute_batch(SCHEMA).map_err(internal)?;
        add_upload_state(&db)?;
        Ok(LocalStore {
            blobs,
            db: Mutex::new(db),
        })
    }

    fn db(&self) -> Result<MutexGuard<'_, Connection>, R2Error> {
        self.db.lock().map_err(|_| internal("bucket lock poisoned"))
    }

    /// Writes `body` to a new blob (temporary file, fsync, rename); returns its name.
    fn write_blob(&self, body: &[u8]) -> Result<String, R2Error> {
        let name = random_id()?;
        let temporary = self.blobs.join(format!("{name}.tmp"));
        let mut file = fs::File::create(&temporary).map_err(internal)?;
        file.write_all(body).map_err(internal)?;
        file.sync_all().map_err(internal)?;
        fs::rename(&temporary, self.blobs.join(&name)).map_err(internal)?;
        Ok(name)
    }

    fn read_blob(&self, name: &str, offset: u64, length: u64) -> Result<Bytes, R2Error> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = fs::File::open(self.blobs.join(name)).map_err(internal)?;
        file.seek(SeekFrom::Start(offset)).map_err(internal)?;
        let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
        file.take(length)
            .read_to_end(&mut bytes)
            .map_err(internal)?;
        Ok(Bytes::from(bytes))
    }

    fn remove_blob(&self, name: &str) {
        if let Err(error) = fs::remove_file(self.blobs.join(name)) {
            tracing::debug!(%error, "r2 blob already gone");
        }
    }

    fn find(db: &Connection, key: &str) -> Result<Option<(String, Meta)>, R2Error> {
        db.query_row(
            &format!("SELECT {COLUMNS} FROM objects WHERE key = ?1"),
            [key],
            meta_of,
        )
        .optional()
        .map_err(internal)
    }

    /// Records `meta` as the object under its key, stored in blob `blob`; drops the blob of
    /// the object it replaces.
    fn record(&self, db: &Connection, blob: &str, meta: &Meta) -> Result<(), R2Error> {
        let old = Self::find(db, &meta.key)?;
        db.execute(
            &format!(
                "INSERT OR REPLACE INTO objects ({COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"
            ),
            params![
                meta.key,
                blob,
                meta.version,
                meta.size as i64,
                meta.etag,
                meta.uploaded,
                json(&meta.http_metadata)?,
                json(&meta.custom_metadata)?,
                json(&meta.checksums)?
            ],
        )
        .map_err(internal)?;
        if let Some((old_blob, _)) = old {
            self.remove_blob(&old_blob);
        }
        Ok(())
    }
}

impl ObjectStore for LocalStore {
    fn head(&self, key: &str) -> Result<Option<Meta>, R2Error> {
        Ok(Self::find(&*self.db()?, key)?.map(|(_, meta)| whole(meta)))
    }

    fn get(
        &self,
        key: &str,
        conditions: &Conditions,
        range: Option<&RangeSpec>,
    ) -> Result<Found, R2Error> {
        let db = self.db()?;
        let Some((blob, mut meta)) = Self::find(&db, key)? else {
            return Ok(Found::Missing);
        };
        if !conditions.hold(Some(&meta)) {
            return Ok(Found::Unmet(whole(meta)));
        }
        let (offset, length) = match range {
            Some(range) => range.resolve(meta.size)?,
            None => (0, meta.size),
        };
        let bytes = self.read_blob(&blob, offset, length)?;
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
        if !conditions.hold(Self::find(&db, key)?.as_ref().map(|(_, m)| m)) {
            return Ok(None);
        }
        let blob = self.write_blob(&body)?;
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
        self.record(&db, &blob, &meta)?;
        Ok(Some(meta))
    }

    fn delete(&self, keys: &[String]) -> Result<(), R2Error> {
        let db = self.db()?;
        for key in keys {
            if let Some((blob, _)) = Self::find(&db, key)? {
                db.execute("DELETE FROM objects WHERE key = ?1", [key])
                    .map_err(internal)?;
                self.remove_blob(&blob);
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
            .map(|row| row.map(|(_, meta)| meta).map_err(internal));
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
        let blob = self.write_blob(&body)?;
        let old: Option<String> = db
            .query_row(
                "SELECT blob FROM parts WHERE upload = ?1 AND number = ?2",
                params![upload, number],
                |row| row.get(0),
            )
            .optional()
            .map_err(internal)?;
        db.execute(
            "INSERT OR REPLACE INTO parts (upload, number, blob, size, etag) VALUES (?1,?2,?3,?4,?5)",
            params![upload, number, blob, body.len() as i64, etag],
        )
        .map_err(internal)?;
        if let Some(old) = old {
            self.remove_blob(&old);
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
            body.extend_from_slice(&self.read_blob(&part.blob, 0, part.size)?);
        }
        let blob = self.write_blob(&body)?;
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
        self.record(&db, &blob, &meta)?;
        self.finish(&db, upload, COMPLETED)?;
        Ok(meta)
    }
}

impl LocalStore {
    /// Marks `upload` as `state` and drops its parts.
    fn finish(&self, db: &Connection, upload: &str, state: i64) -> Result<(), R2Error> {
        for part in parts_of(db, upload)? {
            self.remove_blob(&part.blob);
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
        .prepare("SELECT number, blob, size, etag FROM parts WHERE upload = ?1 ORDER BY number")
        .map_err(internal)?;
    let rows = query
        .query_map([upload], |row| {
            Ok(Part {
                number: row.get(0)?,
                blob: row.get(1)?,
                size: row.get::<_, i64>(2)?.max(0) as u64,
                etag: row.get(3)?,
            })
        })
        .map_err(internal)?;
    rows.collect::<rusqlite::Result<_>>().map_err(internal)
}
