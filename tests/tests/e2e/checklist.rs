//! The security checklist in `docs/security.md` and the tests named after its lines: every
//! line that claims a defence has a `sec_NN_` test, and every `sec_NN_` test names a line.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::support::repo;

/// The numbers of the checklist's lines: `N. ` at the start of a line under a `### ` heading,
/// split into the lines claimed as covered and those listed under "Not yet covered".
fn checklist_lines() -> (BTreeSet<u32>, BTreeSet<u32>) {
    let text = std::fs::read_to_string(repo().join("docs/security.md")).expect("docs/security.md");
    let checklist = text
        .split_once("## The checklist")
        .expect("docs/security.md has a checklist section")
        .1;
    let (covered, pending) = checklist
        .split_once("### Not yet covered")
        .unwrap_or((checklist, ""));
    let numbers = |part: &str| -> BTreeSet<u32> {
        part.lines()
            .filter_map(|line| line.split_once(". "))
            .filter_map(|(number, _)| number.parse().ok())
            .collect()
    };
    (numbers(covered), numbers(pending))
}

/// The line numbers named by `fn sec_NN_` in the Rust sources of the workspace's crates.
fn tested_lines() -> BTreeSet<u32> {
    let mut found = BTreeSet::new();
    let mut stack: Vec<PathBuf> = ["gateway", "policy", "runtime", "certs", "tests"]
        .iter()
        .map(|crate_dir| repo().join(crate_dir))
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("readable source folder")
            .flatten()
        {
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name == "node_modules" || name == "fixtures" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).unwrap_or_default();
                for (at, _) in source.match_indices("fn sec_") {
                    let digits: String = source[at + 7..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    if let Ok(number) = digits.parse() {
                        found.insert(number);
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_checklist_line_has_a_test_and_every_test_names_a_line() {
    let (covered, pending) = checklist_lines();
    assert!(covered.len() >= 30, "checklist lines found: {covered:?}");
    let tested = tested_lines();
    let untested: Vec<_> = covered.difference(&tested).collect();
    assert!(
        untested.is_empty(),
        "checklist lines without a sec_NN_ test: {untested:?}"
    );
    let unknown: Vec<_> = tested
        .iter()
        .filter(|n| !covered.contains(n) && !pending.contains(n))
        .collect();
    assert!(
        unknown.is_empty(),
        "sec_NN_ tests naming no checklist line: {unknown:?}"
    );
}
