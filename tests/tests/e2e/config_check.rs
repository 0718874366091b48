//! `sitegate check`: every example config passes; every bad-config fixture fails with exactly
//! the expected messages (file, line, column, key, accepted values), all problems at once.

use std::path::Path;
use std::process::Command;

use crate::support::repo;

fn check(dir: &Path, config: &str) -> std::process::Output {
    Command::new(e2e::sitegate_bin())
        .args(["check", "--config", config])
        .current_dir(dir)
        .output()
        .expect("run sitegate check")
}

#[test]
fn every_example_config_passes_check() {
    let mut checked = 0;
    for entry in std::fs::read_dir(repo().join("examples")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("sitegate.toml").is_file() {
            let out = check(&dir, "sitegate.toml");
            assert!(
                out.status.success(),
                "{}: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 2,
        "expected at least two example configs, found {checked}"
    );
}

#[test]
fn the_embedded_demo_passes_check() {
    let out = Command::new(e2e::sitegate_bin())
        .arg("check")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 sites"));
}

#[test]
fn every_bad_config_fixture_fails_with_its_exact_messages() {
    let fixtures = repo().join("tests/fixtures/check");
    let mut cases = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let dir = entry.unwrap().path();
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        let out = check(&dir, "sitegate.toml");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{} should fail check", dir.display());
        assert_eq!(
            stderr.trim_end(),
            expected.trim_end(),
            "fixture {}",
            dir.display()
        );
        cases += 1;
    }
    assert!(
        cases >= 8,
        "expected the bad-config fixtures, found {cases}"
    );
}
