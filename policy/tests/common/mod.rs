//! Helpers shared by the integration tests: the load context and fixture loading.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use policy::{Diagnostics, LoadContext, Policy};

/// IdPs "defined in sitegate.toml" for every test.
pub fn idps() -> Vec<String> {
    ["acme-okta", "customers", "dev", "globex-google"]
        .map(String::from)
        .to_vec()
}

/// Reads fixture files and loads them as `<dir>/<name>` with base domain sites.example.com.
pub fn load_fixtures(dir: &str, names: &[&str]) -> Result<Policy, Diagnostics> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let sources: Vec<(PathBuf, String)> = names
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(root.join(dir).join(n)).unwrap_or_default();
            (PathBuf::from(dir).join(n), text)
        })
        .collect();
    let idps = idps();
    Policy::from_sources(&sources, &LoadContext::new("sites.example.com", &idps))
}
