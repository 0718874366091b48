//! The worker corpus (`tests/workers/`): one directory per worker with its source and a
//! `requests.json` naming the requests to send and what of the responses to compare. Building
//! it copies each worker's files (or bundles its `bundle` entry with esbuild from the npm
//! packages installed by `scripts/workers-setup.sh`) into a scratch directory that both
//! workerd and Sitegate serve.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde_json::Value;

/// The corpus directory, `tests/workers`.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("workers")
}

/// The corpus npm tools, checked to be installed (the tests never skip without them).
pub fn node_modules() -> PathBuf {
    let dir = corpus_dir().join("node_modules");
    assert!(
        dir.join(".bin/esbuild").exists()
            && dir.join("workerd").exists()
            && dir.join("miniflare").exists(),
        "{} lacks workerd, miniflare or esbuild: run scripts/workers-setup.sh (scripts/test.sh does)",
        dir.display()
    );
    dir
}

/// What of a response pair is compared besides the chosen headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Status and body, byte for byte.
    Full,
    /// Status only (error pages are each server's own).
    Status,
    /// Status and body after replacing the multipart boundary (each side picks its own).
    Multipart,
}

/// One request of a corpus entry.
#[derive(Debug, Clone)]
pub struct CorpusRequest {
    /// The method.
    pub method: reqwest::Method,
    /// Path and query.
    pub path: String,
    /// Headers sent.
    pub headers: Vec<(String, String)>,
    /// Body sent, if any.
    pub body: Option<Vec<u8>>,
    /// Response headers compared (all values of each, in order).
    pub compare_headers: Vec<String>,
    /// What else is compared.
    pub compare: Compare,
}

/// One corpus worker, built.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Directory name; also the Sitegate site name and the workerd service name.
    pub name: String,
    /// The built directory: the entry module `index.js` and every module it may import.
    pub dir: PathBuf,
    /// workerd compatibility flags.
    pub flags: Vec<String>,
    /// The requests.
    pub requests: Vec<CorpusRequest>,
}

impl Entry {
    /// Every file of the built directory, relative to it, the entry module first.
    pub fn modules(&self) -> Vec<String> {
        let mut files = Vec::new();
        collect_files(&self.dir, &self.dir, &mut files);
        files.sort_by_key(|f| (f != "index.js", f.clone()));
        files
    }
}

/// Builds every corpus entry whose name `only` accepts into `out`, in name order.
pub fn build(out: &Path, only: impl Fn(&str) -> bool) -> Vec<Entry> {
    let node_modules = node_modules();
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("read tests/workers")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("requests.json").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| only(name))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| build_entry(&name, out, &node_modules))
        .collect()
}

fn build_entry(name: &str, out: &Path, node_modules: &Path) -> Entry {
    let source = corpus_dir().join(name);
    let spec_path = source.join("requests.json");
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(&spec_path).expect("read requests.json"))
            .unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
    let dir = out.join(name);
    std::fs::create_dir_all(&dir).expect("entry dir");
    match spec.get("bundle").and_then(Value::as_str) {
        Some(entry) => bundle(&source.join(entry), &dir.join("index.js"), node_modules),
        None => copy_sources(&source, &dir),
    }
    let flags = spec
        .get("compatibility_flags")
        .and_then(Value::as_array)
        .map(|flags| strings(flags))
        .unwrap_or_default();
    let requests = spec
        .get("requests")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{}: no \"requests\" list", spec_path.display()))
        .iter()
        .map(|r| parse_request(r).unwrap_or_else(|e| panic!("{}: {e}: {r}", spec_path.display())))
        .collect();
    Entry {
        name: name.to_string(),
        dir,
        flags,
        requests,
    }
}

/// Bundles `entry` and its npm imports into one ES module at `out`.
fn bundle(entry: &Path, out: &Path, node_modules: &Path) {
    let output = Command::new(node_modules.join(".bin/esbuild"))
        .arg(entry)
        .args([
            "--bundle",
            "--format=esm",
            "--platform=browser",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", out.display()))
        .current_dir(corpus_dir())
        .output()
        .expect("run esbuild");
    assert!(
        output.status.success(),
        "esbuild {} failed:\n{}",
        entry.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Copies the worker's sources (all but `requests.json`) keeping their directories.
fn copy_sources(source: &Path, dir: &Path) {
    let mut files = Vec::new();
    collect_files(source, source, &mut files);
    for file in files.iter().filter(|f| f.as_str() != "requests.json") {
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().expect("a file has a parent")).expect("mkdir");
        std::fs::copy(source.join(file), &to).expect("copy corpus file");
    }
}

fn collect_files(root: &Path, dir: &Path, into: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read corpus dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, into);
        } else if let Ok(relative) = path.strip_prefix(root) {
            into.push(relative.to_string_lossy().into_owned());
        }
    }
}

fn strings(values: &[Value]) -> Vec<String> {
    values
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn parse_request(r: &Value) -> Result<CorpusRequest, String> {
    let method = r.get("method").and_then(Value::as_str).unwrap_or("GET");
    let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let path = r
        .get("path")
        .and_then(Value::as_str)
        .ok_or("no \"path\"")?
        .to_string();
    let headers = match r.get("request_headers") {
        None => Vec::new(),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect::<Option<_>>()
            .ok_or("request_headers values must be strings")?,
        Some(_) => return Err("request_headers must be an object".into()),
    };
    let body = match (r.get("body"), r.get("body_base64")) {
        (Some(Value::String(text)), None) => Some(text.clone().into_bytes()),
        (None, Some(Value::String(b64))) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| e.to_string())?,
        ),
        (None, None) => None,
        _ => return Err("one string \"body\" or \"body_base64\"".into()),
    };
    let compare_headers = r
        .get("headers")
        .and_then(Value::as_array)
        .map(|h| strings(h))
        .unwrap_or_default();
    let compare = match r.get("compare").and_then(Value::as_str) {
        None | Some("full") => Compare::Full,
        Some("status") => Compare::Status,
        Some("multipart") => Compare::Multipart,
        Some(other) => return Err(format!("unknown compare {other:?}")),
    };
    Ok(CorpusRequest {
        method,
        path,
        headers,
        body,
        compare_headers,
        compare,
    })
}
