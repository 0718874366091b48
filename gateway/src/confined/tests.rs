//! Joining project paths onto the root, and reading beneath it.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use super::{Escape, Root};

/// A project beside a folder outside it that holds `secret.txt`.
fn layout() -> (tempfile::TempDir, Root) {
    let tmp = tempfile::tempdir().expect("tmp");
    let (project, outside) = (tmp.path().join("project"), tmp.path().join("outside"));
    fs::create_dir_all(project.join("public/deep")).expect("mkdir");
    fs::create_dir_all(&outside).expect("mkdir");
    fs::write(outside.join("secret.txt"), "CANARY").expect("write");
    fs::write(project.join("public/a.txt"), "a").expect("write");
    symlink(&outside, project.join("out")).expect("symlink");
    symlink("../outside/secret.txt", project.join("secret.txt")).expect("symlink");
    symlink("public", project.join("alias")).expect("symlink");
    let root = Root::new(&project).expect("root");
    (tmp, root)
}

#[test]
fn relative_paths_inside_are_joined_and_normalized() {
    let (_tmp, root) = layout();
    let dir = root.dir().to_path_buf();
    assert_eq!(root.join(&dir, "public"), Ok(dir.join("public")));
    assert_eq!(
        root.join(&dir, "./public/./deep/.."),
        Ok(dir.join("public"))
    );
    assert_eq!(root.join(&dir, "."), Ok(dir.clone()));
    assert_eq!(
        root.join(&dir.join("public/deep"), "../../public"),
        Ok(dir.join("public"))
    );
    assert_eq!(
        root.join(&dir, "not/there/yet"),
        Ok(dir.join("not/there/yet")),
        "a path need not exist"
    );
    assert_eq!(
        root.join(&dir, "alias/a.txt"),
        Ok(dir.join("alias/a.txt")),
        "a link inside"
    );
}

#[test]
fn absolute_climbing_and_nul_paths_are_refused() {
    let (_tmp, root) = layout();
    let dir = root.dir().to_path_buf();
    let inside_abs = dir.join("public").display().to_string();
    for (value, why) in [
        ("/etc", Escape::Absolute),
        (inside_abs.as_str(), Escape::Absolute),
        ("..", Escape::Climbs),
        ("../../..", Escape::Climbs),
        ("public/../../outside", Escape::Climbs),
        ("a\0b", Escape::Nul),
    ] {
        assert_eq!(root.join(&dir, value), Err(why), "{value:?}");
    }
    assert_eq!(
        root.join(&dir.join("public"), "../.."),
        Err(Escape::Climbs),
        "relative to a folder inside, still bounded by the root"
    );
}

#[test]
fn symlinks_leading_outside_are_refused() {
    let (_tmp, root) = layout();
    let dir = root.dir().to_path_buf();
    for value in ["out", "out/secret.txt", "out/not-there", "secret.txt"] {
        assert_eq!(root.join(&dir, value), Err(Escape::Link), "{value:?}");
    }
}

#[test]
fn files_are_read_beneath_the_root_only() {
    let (_tmp, root) = layout();
    let dir = root.dir().to_path_buf();
    assert_eq!(
        root.read_to_string(&dir.join("public/a.txt"))
            .expect("read"),
        "a"
    );
    assert_eq!(
        root.read_to_string(&dir.join("alias/a.txt")).expect("read"),
        "a"
    );
    for path in [
        dir.join("secret.txt"),
        dir.join("out/secret.txt"),
        Path::new("/etc/passwd").to_path_buf(),
    ] {
        assert!(root.read_to_string(&path).is_err(), "{}", path.display());
        assert!(root.open(&path).is_err(), "{}", path.display());
    }
    assert!(root.open_dir(&dir.join("out")).is_err());
    assert!(root.open_dir(&dir).is_ok());
}
