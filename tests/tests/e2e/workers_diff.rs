//! The worker corpus (`tests/workers/`) against workerd: one workerd and one gateway serve
//! every corpus worker, each request is sent to both, and the status, the chosen headers and
//! the body must match. Each side's own origin is replaced by `{origin}` in headers and body
//! (Sitegate's workers see `https://<site host>:<port>`, workerd's `http://127.0.0.1:<port>`).
//! Repeated header lines are compared joined (Set-Cookie apart), as HTTP defines them equal.
//! `SITEGATE_CORPUS=hello,url` runs only the named entries.

use std::fmt;
use std::time::Duration;

use e2e::corpus::{self, Compare, CorpusRequest, Entry};
use e2e::{Client, GatewayBuilder, Workerd};

/// What one side answered, normalised for comparison.
#[derive(PartialEq, Eq)]
struct Answer {
    status: u16,
    headers: Vec<(String, Vec<String>)>,
    body: Vec<u8>,
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "    status {}", self.status)?;
        for (name, values) in &self.headers {
            writeln!(f, "    {name}: {values:?}")?;
        }
        let text = String::from_utf8_lossy(&self.body);
        let shown: String = text.chars().take(1500).collect();
        let more = if shown.len() < text.len() { " …" } else { "" };
        write!(f, "    body ({} bytes): {shown}{more}", self.body.len())
    }
}

fn host(site: &str) -> String {
    format!("{site}.corpus.test.localhost")
}

/// Workspace `corpus` with a public worker site per entry.
fn rbac(entries: &[Entry]) -> String {
    let mut text = String::from(
        "[workspace]\nid = \"corpus\"\nname = \"Corpus\"\nidp = \"dev\"\nemail_domains = [\"corpus.test\"]\n",
    );
    for entry in entries {
        text.push_str(&format!(
            "\n[sites.{}]\naccess = \"public\"\nbackend = {{ worker = {:?} }}\n",
            entry.name,
            entry.dir.to_string_lossy()
        ));
    }
    text
}

/// Sends `request` to `url` and normalises the answer: `origin` becomes `{origin}`, and for a
/// multipart comparison the boundary becomes `{boundary}`.
async fn fetch(
    client: &reqwest::Client,
    url: &str,
    request: &CorpusRequest,
    origin: &str,
) -> Answer {
    let mut builder = client.request(request.method.clone(), url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let response = match builder.send().await {
        Ok(response) => response,
        Err(error) => {
            return Answer {
                status: 0,
                headers: Vec::new(),
                body: format!("request failed: {error:?}").into_bytes(),
            }
        }
    };
    let status = response.status().as_u16();
    let boundary = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once("boundary="))
        .map(|(_, b)| b.trim_matches('"').to_string())
        .filter(|_| request.compare == Compare::Multipart);
    let normalise = |text: &str| {
        let text = text.replace(origin, "{origin}");
        match &boundary {
            Some(b) => text.replace(b.as_str(), "{boundary}"),
            None => text,
        }
    };
    let headers = request
        .compare_headers
        .iter()
        .map(|name| {
            let values: Vec<String> = response
                .headers()
                .get_all(name.as_str())
                .iter()
                .map(|v| normalise(&String::from_utf8_lossy(v.as_bytes())))
                .collect();
            // Repeated lines of a header mean the same as one joined with ", " (RFC 9110
            // 5.3); only Set-Cookie must stay apart.
            let values = if name == "set-cookie" || values.is_empty() {
                values
            } else {
                vec![values.join(", ")]
            };
            (name.clone(), values)
        })
        .collect();
    let body = match response.bytes().await {
        Ok(bytes) => bytes.to_vec(),
        Err(error) => format!("body failed: {error:?}").into_bytes(),
    };
    let body = match (&boundary, std::str::from_utf8(&body)) {
        (_, Ok(text)) => normalise(text).into_bytes(),
        (None, Err(_)) => body,
        (Some(_), Err(_)) => normalise(&String::from_utf8_lossy(&body)).into_bytes(),
    };
    let body = if request.compare == Compare::Status {
        Vec::new()
    } else {
        body
    };
    Answer {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn corpus_matches_workerd() {
    let scratch = tempfile::tempdir().expect("scratch dir");
    let only = std::env::var("SITEGATE_CORPUS").ok();
    let wanted = |name: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|n| n == name))
    };
    let entries = corpus::build(&scratch.path().join("workers"), wanted);
    assert!(!entries.is_empty(), "no corpus entries selected");

    let workerd = Workerd::start(&entries, scratch.path());
    // A generous CPU allowance: this test is about behaviour (debug builds are slow), the
    // limit tests are elsewhere.
    let gateway = GatewayBuilder::new()
        .rbac("corpus", &rbac(&entries))
        .extra("[dev_idp]\nenabled = true\n\n[workers]\ncpu_ms = 2000")
        .start();
    let ours = Client::builder(&gateway.ca_pem(), gateway.https_port())
        .http1_only()
        .build()
        .expect("client");
    let reference = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .http1_only()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let port = gateway.https_port();

    let mut summary = Vec::new();
    let mut mismatches = Vec::new();
    let mut total = 0;
    for entry in &entries {
        let public = format!("https://{}:{port}", host(&entry.name));
        let mut failed = 0;
        for request in &entry.requests {
            total += 1;
            let theirs = fetch(
                &reference,
                &workerd.url(&entry.name, &request.path),
                request,
                &workerd.origin(&entry.name),
            )
            .await;
            let mine = fetch(
                &ours,
                &format!("{public}{}", request.path),
                request,
                &public,
            )
            .await;
            if theirs != mine {
                failed += 1;
                mismatches.push(format!(
                    "MISMATCH {} {} {}\n  workerd:\n{theirs}\n  sitegate:\n{mine}",
                    entry.name, request.method, request.path
                ));
            }
        }
        let verdict = if failed == 0 { "PASS" } else { "FAIL" };
        summary.push(format!(
            "{verdict} {:<22} {}/{} requests match",
            entry.name,
            entry.requests.len() - failed,
            entry.requests.len()
        ));
    }
    let summary = summary.join("\n");
    eprintln!("worker corpus against workerd:\n{summary}");
    assert!(
        mismatches.is_empty(),
        "{} of {total} corpus requests differ from workerd:\n\n{}\n\n{summary}",
        mismatches.len(),
        mismatches.join("\n\n")
    );
}
