//! Unit tests of the version store: content ids, refused trees, promote, rollback and pruning.

use std::path::Path;

use super::store::DeployStore;
use super::tree::{self, TreeError, TreeLimits};

const LIMITS: TreeLimits = TreeLimits {
    max_bytes: 1 << 20,
    max_files: 100,
};

fn project(dir: &Path, body: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/index.js"), body).unwrap();
    std::fs::write(dir.join("wrangler.json"), r#"{"main": "src/index.js"}"#).unwrap();
}

/// Ann, acting from the console.
fn ann() -> crate::audit::Actor {
    crate::audit::Actor {
        who: "ann@acme.test".into(),
        from: "192.0.2.1".into(),
        person: Some("ann@acme.test".into()),
    }
}

/// Copies `dir` into a new version of `acme/app`; returns its id.
fn save(store: &DeployStore, dir: &Path) -> String {
    let staging = store.staging("acme/app").unwrap();
    let size = tree::copy(dir, staging.path(), LIMITS).unwrap();
    store
        .save("acme/app", staging, size, &ann(), "test")
        .unwrap()
        .id
}

#[test]
fn the_id_is_the_content_wherever_and_whenever_it_was_copied() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    project(&a, "export default {}");
    project(&b, "export default {}");
    project(&c, "export default { }");
    std::fs::create_dir_all(b.join("node_modules/x")).unwrap();
    std::fs::write(b.join("node_modules/x/i.js"), "skipped").unwrap();
    let digest = |d: &Path| tree::digest(d).unwrap();
    let (da, db, dc) = (digest(&a), digest(&b), digest(&c));
    assert_eq!(da.len(), 12);
    assert_ne!(da, dc, "one byte differs");
    assert_eq!(da, db, "node_modules is not part of a project");
    let store = DeployStore::new(&tmp.path().join("state"));
    assert_eq!(save(&store, &a), da);
    assert_eq!(save(&store, &b), da, "node_modules is not deployed");
    assert_eq!(
        store.read("acme/app").unwrap().versions.len(),
        1,
        "the same files are one version"
    );
}

#[test]
fn symlinks_and_oversized_trees_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("p");
    project(&src, "export default {}");
    std::os::unix::fs::symlink("/etc/passwd", src.join("src/passwd")).unwrap();
    let err = tree::copy(&src, &tmp.path().join("out1"), LIMITS).unwrap_err();
    assert!(
        matches!(&err, TreeError::NotRegular(p) if p == "src/passwd"),
        "{err}"
    );

    std::fs::remove_file(src.join("src/passwd")).unwrap();
    let tiny = TreeLimits {
        max_bytes: 10,
        max_files: 100,
    };
    let err = tree::copy(&src, &tmp.path().join("out2"), tiny).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the project is larger than the limit of 10 bytes"
    );
    let few = TreeLimits {
        max_bytes: 1 << 20,
        max_files: 1,
    };
    let err = tree::copy(&src, &tmp.path().join("out3"), few).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the project is larger than the limit of 1 files"
    );
}

#[test]
fn promote_rollback_and_a_refusing_check() {
    let tmp = tempfile::tempdir().unwrap();
    let store = DeployStore::new(tmp.path());
    let ids: Vec<String> = (1..=3)
        .map(|n| {
            let dir = tmp.path().join(format!("p{n}"));
            project(&dir, &format!("// {n}"));
            save(&store, &dir)
        })
        .collect();
    let record = store.read("acme/app").unwrap();
    assert_eq!(record.production, None, "saving publishes nothing");
    assert_eq!(record.versions[0].saved_by, "ann@acme.test");
    assert_eq!(record.versions[0].person.as_deref(), Some("ann@acme.test"));

    for id in &ids {
        store
            .promote("acme/app", id, |_| Ok(Default::default()))
            .unwrap();
    }
    let refused = store.promote("acme/app", &ids[0], |_| Err("migration failed".into()));
    assert_eq!(refused.unwrap_err().to_string(), "migration failed");
    let record = store.read("acme/app").unwrap();
    assert_eq!(
        record.production.as_ref(),
        Some(&ids[2]),
        "a refused check changes nothing"
    );
    assert_eq!(record.previous, [ids[0].clone(), ids[1].clone()]);

    let unknown = store.promote("acme/app", "000000000000", |_| Ok(Default::default()));
    assert_eq!(
        unknown.unwrap_err().to_string(),
        "acme/app has no version 000000000000"
    );

    let back = store.rollback("acme/app", |dir| {
        assert!(
            dir.join("wrangler.json").is_file(),
            "the check sees the version's files"
        );
        Ok(Default::default())
    });
    assert_eq!(back.unwrap().production.as_ref(), Some(&ids[1]));
    store
        .rollback("acme/app", |_| Ok(Default::default()))
        .unwrap();
    let err = store
        .rollback("acme/app", |_| Ok(Default::default()))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "acme/app has no earlier production version to roll back to"
    );
    assert_eq!(
        store.read("acme/app").unwrap().production.as_ref(),
        Some(&ids[0])
    );
}

#[test]
fn pruning_keeps_the_newest_and_never_production() {
    let tmp = tempfile::tempdir().unwrap();
    let store = DeployStore::new(tmp.path());
    let ids: Vec<String> = (1..=4)
        .map(|n| {
            let dir = tmp.path().join(format!("p{n}"));
            project(&dir, &format!("// {n}"));
            save(&store, &dir)
        })
        .collect();
    store
        .promote("acme/app", &ids[0], |_| Ok(Default::default()))
        .unwrap();
    let removed = store.prune("acme/app", 2).unwrap();
    assert_eq!(removed, [ids[1].clone(), ids[2].clone()]);
    let kept: Vec<String> = store
        .read("acme/app")
        .unwrap()
        .versions
        .into_iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(kept, [ids[0].clone(), ids[3].clone()]);
    assert!(!store.version_dir("acme/app", &ids[1]).exists());
    assert!(store
        .version_dir("acme/app", &ids[0])
        .join("src/index.js")
        .is_file());
}

/// A `.tar.gz` of one entry written as is: `name` (even `../x`), `kind` and `body`.
fn raw_archive(name: &str, kind: tar::EntryType, body: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    header.set_entry_type(kind);
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    if kind == tar::EntryType::Symlink {
        header.set_link_name("/etc/passwd").unwrap();
    }
    header.set_cksum();
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    builder.append(&header, body).unwrap();
    builder.into_inner().unwrap().finish().unwrap()
}

#[test]
fn an_upload_unpacks_to_the_same_version_and_nothing_outside_it() {
    use super::archive::{pack, unpack};
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("p");
    project(&src, "export default {}");
    let packed = pack(&src, LIMITS).unwrap();
    let out = tmp.path().join("out");
    let size = unpack(&packed[..], &out, LIMITS).unwrap();
    assert_eq!(
        (size.files, tree::digest(&out).unwrap()),
        (2, tree::digest(&src).unwrap())
    );

    for (name, kind, expected) in [
        (
            "../evil.js",
            tar::EntryType::Regular,
            "../evil.js: the path leaves the project directory",
        ),
        (
            "/etc/evil.js",
            tar::EntryType::Regular,
            "/etc/evil.js: the path leaves the project directory",
        ),
        (
            "a/../../evil.js",
            tar::EntryType::Regular,
            "a/../../evil.js: the path leaves the project directory",
        ),
        (
            "link",
            tar::EntryType::Symlink,
            "link: not a regular file or directory",
        ),
        (
            "hard",
            tar::EntryType::Link,
            "hard: not a regular file or directory",
        ),
        (
            "dev",
            tar::EntryType::Char,
            "dev: not a regular file or directory",
        ),
    ] {
        let dst = tmp.path().join(format!("bad-{}", fastrand::u32(..)));
        let err = unpack(&raw_archive(name, kind, b"x")[..], &dst, LIMITS).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{name}: {err}");
    }
    assert!(!tmp.path().join("evil.js").exists());

    // A well-compressed archive stops at the limit, not at the end of the data.
    let zeros = vec![0u8; 4 << 20];
    let bomb = raw_archive("zeros.bin", tar::EntryType::Regular, &zeros);
    assert!(bomb.len() < 64 << 10, "it compresses");
    let err = unpack(&bomb[..], &tmp.path().join("bomb"), LIMITS).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the project is larger than the limit of 1048576 bytes"
    );
}

#[test]
fn a_project_naming_paths_outside_it_is_refused_before_anything_is_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("state");
    let deployer = crate::deployer::Deployer::new(
        &state,
        crate::config::DeployConfig {
            keep_versions: 5,
            limits: LIMITS,
        },
    );
    let dir = tmp.path().join("p");
    project(&dir, "export default {}");
    std::fs::create_dir_all(dir.join("public")).unwrap();
    std::os::unix::fs::symlink("/etc", dir.join("linked")).unwrap();
    for (config, key, value) in [
        (
            r#"{"main": "src/index.js", "assets": {"directory": "/etc"}}"#,
            "assets.directory",
            "/etc",
        ),
        (
            r#"{"main": "src/index.js", "assets": {"directory": "../../.."}}"#,
            "assets.directory",
            "../../..",
        ),
        (
            r#"{"main": "src/index.js", "assets": {"directory": "linked"}}"#,
            "assets.directory",
            "linked",
        ),
        (r#"{"main": "../../x.js"}"#, "main", "../../x.js"),
    ] {
        std::fs::write(dir.join("wrangler.json"), config).unwrap();
        let err = deployer
            .deploy_dir("acme/app", &dir, true, &ann())
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("wrangler.json: ")
                && message.contains(&format!("`{key}` = {value:?}")),
            "{message}"
        );
    }
    // An upload (no symlinks can come in one) is checked as it is staged.
    std::fs::remove_file(dir.join("linked")).unwrap();
    std::fs::write(
        dir.join("wrangler.json"),
        r#"{"main": "src/index.js", "assets": {"directory": "/etc"}}"#,
    )
    .unwrap();
    let upload = super::archive::pack(&dir, LIMITS).unwrap();
    let staging = deployer.store().staging("acme/app").unwrap();
    let size = super::archive::unpack(&upload[..], staging.path(), LIMITS).unwrap();
    let err = deployer
        .deploy_staged("acme/app", staging, size, "upload", true, &ann())
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("wrangler.json: `assets.directory` = \"/etc\""),
        "{err}"
    );
    assert!(deployer
        .store()
        .read("acme/app")
        .unwrap()
        .versions
        .is_empty());
}
