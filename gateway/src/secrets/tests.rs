use super::*;

#[test]
fn secrets_round_trip_through_the_file_and_are_not_stored_in_the_clear() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SecretStore::open(dir.path()).unwrap();
    store.put("acme/wiki", "API_KEY", "s3cr3t-value").unwrap();
    store.put("acme/wiki", "OTHER", "two").unwrap();
    let raw = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
    assert!(!raw.contains("s3cr3t-value"), "{raw}");
    let reopened = SecretStore::open(dir.path()).unwrap();
    let listed = reopened.listing("acme/wiki");
    let names: Vec<&str> = listed.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["API_KEY", "OTHER"]);
    assert!(
        listed[0].set_at >= crate::clock::now() - 60,
        "when it was set"
    );
    let opened = reopened.for_site("acme/wiki").unwrap();
    assert_eq!(
        opened[0],
        ("API_KEY".to_string(), Secret("s3cr3t-value".into()))
    );
    assert!(reopened.for_site("acme/blog").unwrap().is_empty());
    assert_eq!(format!("{:?}", opened[0].1), "[redacted]");
}

#[test]
fn a_value_moved_to_another_site_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SecretStore::open(dir.path()).unwrap();
    store.put("acme/wiki", "KEY", "v").unwrap();
    let path = dir.path().join(FILE);
    let moved = std::fs::read_to_string(&path)
        .unwrap()
        .replace("acme/wiki", "acme/blog");
    std::fs::write(&path, moved).unwrap();
    let err = SecretStore::open(dir.path())
        .unwrap()
        .for_site("acme/blog")
        .unwrap_err();
    assert!(err.contains("does not open"), "{err}");
}

#[test]
fn another_state_directorys_key_does_not_open_the_values() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    SecretStore::open(a.path())
        .unwrap()
        .put("acme/wiki", "KEY", "v")
        .unwrap();
    SecretStore::open(b.path()).unwrap();
    std::fs::copy(a.path().join(FILE), b.path().join(FILE)).unwrap();
    assert!(SecretStore::open(b.path())
        .unwrap()
        .for_site("acme/wiki")
        .is_err());
}

#[test]
fn bad_names_and_oversized_values_are_refused_and_delete_removes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SecretStore::open(dir.path()).unwrap();
    for bad in ["", "1ABC", "A-B", "A B"] {
        assert!(store.put("acme/wiki", bad, "v").is_err(), "{bad:?}");
    }
    let big = "x".repeat(MAX_VALUE_BYTES + 1);
    assert!(store
        .put("acme/wiki", "BIG", &big)
        .unwrap_err()
        .contains("at most"));
    store.put("acme/wiki", "KEY", "v").unwrap();
    assert!(store.delete("acme/wiki", "KEY").unwrap());
    assert!(!store.delete("acme/wiki", "KEY").unwrap());
    assert!(SecretStore::open(dir.path())
        .unwrap()
        .listing("acme/wiki")
        .is_empty());
}

#[cfg(unix)]
#[test]
fn the_key_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    SecretStore::open(dir.path()).unwrap();
    let mode = std::fs::metadata(dir.path().join(KEY_FILE))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}
