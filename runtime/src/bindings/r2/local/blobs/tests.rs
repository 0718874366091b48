//! Blob names are fixed-shape hashes of what identifies a blob, and the blob directory's
//! handle reaches nothing outside it.

use super::{BlobName, Blobs};

fn shaped(name: &BlobName) -> bool {
    name.as_str().len() == 32
        && name
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn names_are_32_hex_digits_whatever_they_are_made_from() {
    let awkward = [
        "",
        "../../etc/passwd",
        "/abs",
        "a\0b",
        "é/ü",
        &"k".repeat(2000),
    ];
    for key in awkward {
        for version in awkward {
            assert!(
                shaped(&BlobName::object(key, version)),
                "{key:?} {version:?}"
            );
            assert!(
                shaped(&BlobName::part(key, 7, version)),
                "{key:?} {version:?}"
            );
        }
    }
}

#[test]
fn names_tell_apart_every_field_and_kind() {
    let object = BlobName::object("ab", "c");
    assert_eq!(
        object,
        BlobName::object("ab", "c"),
        "the same object, the same name"
    );
    assert_ne!(
        object,
        BlobName::object("a", "bc"),
        "fields are length-prefixed"
    );
    assert_ne!(
        object,
        BlobName::object("ab", "d"),
        "a new version, a new blob"
    );
    let part = BlobName::part("up", 1, "e");
    assert_ne!(part, BlobName::part("up", 2, "e"));
    assert_ne!(part, BlobName::part("up", 1, "f"));
    assert_ne!(part, BlobName::part("uq", 1, "e"));
    assert_ne!(BlobName::object("k", "v"), BlobName::part("k", 0, "v"));
}

#[test]
fn only_names_of_the_shape_sitegate_wrote_are_taken_from_an_old_index() {
    let old = "0123456789abcdef0123456789abcdef";
    assert_eq!(BlobName::legacy(old).unwrap().as_str(), old);
    for bad in [
        "",
        "0123456789ABCDEF0123456789ABCDEF",
        "0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0",
        "0123456789abcdef0123456789abcdef.tmp",
        "../0123456789abcdef0123456789abcd",
        "/etc/passwd",
        "../../../state/session-keys.json",
    ] {
        assert!(BlobName::legacy(bad).is_none(), "{bad:?}");
    }
}

#[test]
fn a_blob_is_written_whole_read_by_range_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = Blobs::open(&dir.path().join("blobs")).unwrap();
    let name = BlobName::object("k", "v1");
    blobs.write(&name, b"0123456789").unwrap();
    assert_eq!(&blobs.read(&name, 2, 3).unwrap()[..], b"234");
    assert_eq!(&blobs.read(&name, 8, 5).unwrap()[..], b"89");
    let files: Vec<_> = std::fs::read_dir(dir.path().join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, [name.as_str()], "no temporary file is left");
    let renamed = BlobName::object("k", "v2");
    blobs.rename(&name, &renamed).unwrap();
    blobs.rename(&name, &renamed).unwrap();
    assert!(blobs.rename(&name, &BlobName::object("k", "v3")).is_err());
    blobs.remove(&renamed);
    assert!(blobs.read(&renamed, 0, 1).is_err());
}

#[cfg(unix)]
#[test]
fn a_link_planted_in_the_blob_directory_leads_nowhere_outside() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("session-keys.json");
    std::fs::write(&secret, "secret").unwrap();
    let blobs = Blobs::open(&dir.path().join("blobs")).unwrap();
    let name = BlobName::object("k", "v");
    std::os::unix::fs::symlink(&secret, dir.path().join("blobs").join(name.as_str())).unwrap();
    assert!(
        blobs.read(&name, 0, 100).is_err(),
        "the link is not followed out"
    );
    blobs.remove(&name);
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "secret");
}
