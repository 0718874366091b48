//! The local bucket trusts nothing its index says about where bytes are: a rewritten `blob`
//! column (the attack a site's SQL once had) reads and deletes only the bucket's own blobs,
//! and a bucket from before computed names keeps its objects.

use std::path::Path;

use bytes::Bytes;
use rusqlite::Connection;

use super::LocalStore;
use crate::bindings::r2::store::{Conditions, Found, NewObject, ObjectStore};

fn put(store: &LocalStore, key: &str, body: &'static [u8]) {
    store
        .put(
            key,
            Bytes::from_static(body),
            &NewObject::default(),
            &Conditions::default(),
        )
        .unwrap()
        .unwrap();
}

/// The bytes under `key`, `None` if missing, `Err` if they cannot be read.
fn get(store: &LocalStore, key: &str) -> Result<Option<Vec<u8>>, String> {
    match store.get(key, &Conditions::default(), None) {
        Ok(Found::Body(_, bytes)) => Ok(Some(bytes.to_vec())),
        Ok(_) => Ok(None),
        Err(e) => Err(e.message),
    }
}

fn index(bucket: &Path) -> Connection {
    Connection::open(bucket.join("bucket.sqlite")).unwrap()
}

#[test]
fn a_rewritten_index_reaches_no_file_outside_the_bucket() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("session-keys.json");
    std::fs::write(&secret, "secret").unwrap();
    let bucket = dir.path().join("bucket");
    let store = LocalStore::open(&bucket).unwrap();
    put(&store, "k", b"x");
    put(&store, "gone", b"y");
    index(&bucket)
        .execute(
            "UPDATE objects SET blob = ?1, size = 1000000",
            [secret.display().to_string()],
        )
        .unwrap();
    assert_eq!(
        get(&store, "k").unwrap().unwrap(),
        b"x",
        "the blob of k, not the file named"
    );
    index(&bucket)
        .execute(
            "UPDATE objects SET version = '../../session-keys.json' WHERE key = 'gone'",
            [],
        )
        .unwrap();
    assert!(
        get(&store, "gone").is_err(),
        "a made-up version names a blob that is not there"
    );
    store.delete(&["k".into(), "gone".into()]).unwrap();
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "secret");
    let upload = store
        .create_multipart("big", &NewObject::default())
        .unwrap();
    let etag = store
        .upload_part("big", &upload, 1, Bytes::from_static(b"part"))
        .unwrap();
    index(&bucket)
        .execute("UPDATE parts SET blob = ?1", [secret.display().to_string()])
        .unwrap();
    let done = store
        .complete_multipart("big", &upload, &[(1, etag)])
        .unwrap();
    assert_eq!(done.size, 4);
    assert_eq!(get(&store, "big").unwrap().unwrap(), b"part");
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "secret");
}

#[test]
fn a_bucket_from_before_computed_names_keeps_its_objects_and_parts() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("session-keys.json");
    std::fs::write(&secret, "secret").unwrap();
    let bucket = dir.path().join("bucket");
    {
        let store = LocalStore::open(&bucket).unwrap();
        put(&store, "old", b"kept");
        let upload = store
            .create_multipart("big", &NewObject::default())
            .unwrap();
        store
            .upload_part("big", &upload, 1, Bytes::from_static(b"part"))
            .unwrap();
        put(&store, "planted", b"z");
    }
    // Make it what an earlier Sitegate left: random blob names recorded in the index.
    let db = index(&bucket);
    let blobs = bucket.join("blobs");
    let old_names = [
        "0123456789abcdef0123456789abcdef",
        "fedcba9876543210fedcba9876543210",
    ];
    for (table, which, old, bytes) in [
        ("objects", "WHERE key = 'old'", old_names[0], &b"kept"[..]),
        ("parts", "", old_names[1], &b"part"[..]),
    ] {
        let current = std::fs::read_dir(&blobs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| std::fs::read(p).unwrap() == bytes)
            .unwrap();
        std::fs::rename(current, blobs.join(old)).unwrap();
        db.execute(&format!("UPDATE {table} SET blob = ?1 {which}"), [old])
            .unwrap();
    }
    db.execute(
        "UPDATE objects SET blob = ?1 WHERE key = 'planted'",
        [secret.display().to_string()],
    )
    .unwrap();
    db.execute_batch("PRAGMA user_version = 0").unwrap();
    drop(db);

    for _ in 0..2 {
        let store = LocalStore::open(&bucket).unwrap();
        assert_eq!(get(&store, "old").unwrap().unwrap(), b"kept");
        assert_eq!(get(&store, "planted").unwrap().unwrap(), b"z");
        assert_eq!(std::fs::read_to_string(&secret).unwrap(), "secret");
    }
    let version: i64 = index(&bucket)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    let store = LocalStore::open(&bucket).unwrap();
    let upload: String = index(&bucket)
        .query_row("SELECT upload FROM parts", [], |r| r.get(0))
        .unwrap();
    let etag: String = index(&bucket)
        .query_row("SELECT etag FROM parts", [], |r| r.get(0))
        .unwrap();
    store
        .complete_multipart("big", &upload, &[(1, etag)])
        .unwrap();
    assert_eq!(get(&store, "big").unwrap().unwrap(), b"part");
    assert!(
        old_names.iter().all(|n| !blobs.join(n).exists()),
        "old names were renamed"
    );
}
