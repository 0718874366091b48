//! D1 and R2 compared with miniflare: the scenario worker in `tests/fixtures/bindings` runs on
//! miniflare and, as a wrangler project with the same D1 and R2 bindings, on the real gateway.
//! Every scenario it lists is requested from both (in the same order, with the same body) and
//! the JSON answers must be equal once the fields that vary from run to run are replaced by
//! placeholders (`VARIABLE`), but for the differences Sitegate keeps on purpose (`KNOWN`),
//! where Sitegate's own answer is checked instead. `SITEGATE_SCENARIOS=d1_exec,r2_list` runs
//! only the named scenarios.

use std::path::{Path, PathBuf};

use e2e::miniflare::{Binding, Miniflare};
use e2e::Browser;
use serde_json::Value;

use crate::support::{host, project_dir, worker_project_sites};

/// Fields whose values differ between any two runs, whichever side: replaced by `{name}`
/// wherever they occur.
const VARIABLE: &[(&str, &str)] = &[
    ("duration", "how long a query took"),
    ("uploaded", "when an object was written"),
    ("version", "a random id per write"),
    (
        "size_after",
        "the database file's size: miniflare's also holds its own tables",
    ),
];

/// A difference Sitegate keeps on purpose: at `at` (a JSON pointer into the scenario's answer,
/// or `.name` for every field `name`) Sitegate answers `sitegate` (JSON) instead of
/// miniflare's, or anything when `sitegate` is `None`. docs/workers.md lists them too.
struct Known {
    scenario: &'static str,
    at: &'static str,
    sitegate: Option<&'static str>,
    reason: &'static str,
}

const TRANSACTION: &str =
    "the issue asks for BEGIN/SAVEPOINT through run (ORMs' transactions); workerd refuses them";
const ENGINE: &str = "QuickJS words its own errors and Date strings";
const ZOD: &str = "miniflare answers with its request validator's stack trace";

const KNOWN: &[Known] = &[
    Known {
        scenario: "*",
        at: ".served_by",
        sitegate: Some(r#""sitegate.db""#),
        reason: "D1 names the server that answered",
    },
    Known {
        scenario: "*",
        at: ".rows_read",
        sitegate: None,
        reason: "workerd counts the rows its patched SQLite (libsql) scanned; Sitegate counts rows returned",
    },
    Known {
        scenario: "*",
        at: ".rows_written",
        sitegate: None,
        reason: "workerd counts rows and index entries written; Sitegate counts rows changed",
    },
    Known {
        scenario: "*",
        at: ".storageClass",
        sitegate: Some(r#""Standard""#),
        reason: "R2 reports the Standard class; miniflare leaves it empty",
    },
    Known {
        scenario: "d1_transactions_through_run",
        at: "/transaction",
        sitegate: Some(
            r#"{"begin": {"ok": true}, "rollback": {"ok": true}, "savepoint": {"ok": true}, "release": {"ok": true}}"#,
        ),
        reason: TRANSACTION,
    },
    Known {
        scenario: "d1_transactions_through_run",
        at: "/rows",
        sitegate: Some(r#"{"ok": []}"#),
        reason: TRANSACTION,
    },
    Known {
        scenario: "d1_only_its_own_database",
        at: "/vacuumInto",
        sitegate: Some(
            r#"{"error": {"class": "Error", "name": "Error", "message": "D1_ERROR: not authorized: SQLITE_AUTH", "cause": {"name": "Error", "message": "not authorized: SQLITE_AUTH"}}}"#,
        ),
        reason: "workerd runs every query inside the Durable Object's transaction, where VACUUM cannot run; Sitegate runs queries on their own and refuses VACUUM INTO (a new file) with D1's not authorized",
    },
    Known {
        scenario: "d1_bind_type_errors",
        at: "/date",
        sitegate: Some(
            r#"{"error": {"class": "Error", "name": "Error", "message": "D1_TYPE_ERROR: Type 'object' not supported for value 'Thu Jan 01 1970 00:00:00 GMT+0000'", "cause": {"name": "Error", "message": "Type 'object' not supported for value 'Thu Jan 01 1970 00:00:00 GMT+0000'"}}}"#,
        ),
        reason: ENGINE,
    },
    Known {
        scenario: "d1_bind_type_errors",
        at: "/symbol/error/message",
        sitegate: Some(r#""cannot convert symbol to string""#),
        reason: ENGINE,
    },
    Known {
        scenario: "d1_batch_arguments",
        at: "/missing/error/message",
        sitegate: Some(r#""cannot read property 'map' of undefined""#),
        reason: ENGINE,
    },
    Known {
        scenario: "d1_batch_arguments",
        at: "/notArray/error/message",
        sitegate: Some(r#""not a function""#),
        reason: ENGINE,
    },
    Known {
        scenario: "d1_batch_arguments",
        at: "/notStatements",
        sitegate: Some(
            r#"{"error": {"class": "TypeError", "name": "TypeError", "message": "Failed to execute 'batch' on 'D1Database': parameter 1 is not of type 'Array<D1PreparedStatement>'."}}"#,
        ),
        reason: ZOD,
    },
    Known {
        scenario: "d1_bind_counts_and_forms",
        at: "/prepareNumber",
        sitegate: Some(
            r#"{"error": {"class": "Error", "name": "Error", "message": "D1_ERROR: near \"123\": syntax error at offset 0: SQLITE_ERROR", "cause": {"name": "Error", "message": "near \"123\": syntax error at offset 0: SQLITE_ERROR"}}}"#,
        ),
        reason: ZOD,
    },
    Known {
        scenario: "r2_custom_metadata",
        at: "/overMultipart",
        sitegate: Some(
            r#"{"error": {"class": "Error", "name": "Error", "message": "createMultipartUpload: Your metadata headers exceed the maximum allowed metadata size. (10012)"}}"#,
        ),
        reason: "R2 limits a multipart object's metadata as a put's; miniflare does not check it",
    },
    Known {
        scenario: "r2_delete",
        at: "/tooMany",
        sitegate: Some(
            r#"{"error": {"class": "Error", "name": "Error", "message": "delete: Too many keys: at most 1000 may be deleted at once. (10029)"}}"#,
        ),
        reason: "R2 deletes at most 1,000 keys a call; miniflare takes any number",
    },
];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bindings")
}

/// Copies the fixture project (wrangler.json and src/) into `dir`.
fn copy_project(dir: &Path) {
    let source = fixture();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::copy(source.join("wrangler.json"), dir.join("wrangler.json")).unwrap();
    for file in std::fs::read_dir(source.join("src")).unwrap() {
        let file = file.unwrap();
        std::fs::copy(file.path(), dir.join("src").join(file.file_name())).unwrap();
    }
}

/// The body every scenario request carries (one scenario stores it).
const BODY: &[u8] = b"request body bytes";

/// Status and JSON answer of scenario `url`.
async fn ask(client: &reqwest::Client, url: &str) -> (u16, Value) {
    let response = client
        .post(url)
        .body(BODY)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(format!("not JSON: {text}")));
    (status, value)
}

/// Replaces every `VARIABLE` field's value by its placeholder.
fn placeholders(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match VARIABLE.iter().find(|(name, _)| name == key) {
                    Some((name, _)) if !field.is_null() => {
                        *field = Value::String(format!("{{{name}}}"));
                    }
                    _ => placeholders(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(placeholders),
        _ => {}
    }
}

/// The values at every place `at` names (a pointer, or `.name` for each field `name`).
fn places<'v>(value: &'v mut Value, at: &str) -> Vec<&'v mut Value> {
    if let Some(name) = at.strip_prefix('.') {
        let mut found = Vec::new();
        fields_named(value, name, &mut found);
        return found;
    }
    value.pointer_mut(at).into_iter().collect()
}

fn fields_named<'v>(value: &'v mut Value, name: &str, found: &mut Vec<&'v mut Value>) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                if key == name {
                    found.push(field);
                } else {
                    fields_named(field, name, found);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fields_named(v, name, found)),
        _ => {}
    }
}

/// Applies the `KNOWN` differences of `scenario`: Sitegate's value must be the known one;
/// both sides then show `{known}` there. Returns what Sitegate answered otherwise.
fn known(scenario: &str, reference: &mut Value, ours: &mut Value) -> Vec<String> {
    let mut wrong = Vec::new();
    for k in KNOWN
        .iter()
        .filter(|k| k.scenario == "*" || k.scenario == scenario)
    {
        let expected: Option<Value> = k
            .sitegate
            .map(|text| serde_json::from_str(text).expect("KNOWN sitegate value"));
        let found = places(ours, k.at);
        if found.is_empty() && k.scenario != "*" {
            wrong.push(format!(
                "{scenario} {}: Sitegate's answer has nothing there",
                k.at
            ));
        }
        for place in found {
            if let Some(expected) = expected.as_ref().filter(|e| *place != **e) {
                wrong.push(format!(
                    "{scenario} {}: Sitegate gave {place}, the known difference ({}) says {expected}",
                    k.at, k.reason
                ));
            }
            *place = Value::String("{known}".into());
        }
        for place in places(reference, k.at) {
            *place = Value::String("{known}".into());
        }
    }
    wrong
}

/// The paths where `a` and `b` differ, with both values.
fn differences(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (p, q) = (x.get(key), y.get(key));
                let here = format!("{path}/{key}");
                match (p, q) {
                    (Some(p), Some(q)) => differences(&here, p, q, out),
                    _ => out.push(format!(
                        "  {here}\n    miniflare: {}\n    sitegate:  {}",
                        shown(p),
                        shown(q)
                    )),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(&format!("{path}/{i}"), p, q, out);
            }
        }
        _ if a != b => out.push(format!(
            "  {path}\n    miniflare: {}\n    sitegate:  {}",
            shown(Some(a)),
            shown(Some(b))
        )),
        _ => {}
    }
}

fn shown(value: Option<&Value>) -> String {
    let text = value.map_or("(absent)".to_string(), Value::to_string);
    if text.len() > 600 {
        format!("{} …", &text[..text.floor_char_boundary(600)])
    } else {
        text
    }
}

#[tokio::test]
async fn d1_and_r2_answer_as_on_miniflare() {
    let scratch = tempfile::tempdir().expect("scratch dir");
    let reference = Miniflare::start(
        &fixture().join("src/index.js"),
        scratch.path(),
        &[Binding::D1("DB", None), Binding::R2("BUCKET")],
    );
    // A generous CPU allowance: debug builds are slow and the multipart scenario moves 5 MiB.
    let builder =
        worker_project_sites(&[("bindings", "public")]).extra("[workers]\ncpu_ms = 30000");
    copy_project(&project_dir(&builder, "bindings"));
    let gateway = builder.start();
    let browser = Browser::new(&gateway.ca_pem(), gateway.https_port());
    let site = host("bindings");
    let plain = reqwest::Client::new();

    let listed =
        |value: Value| -> Vec<String> { serde_json::from_value(value).expect("the scenario list") };
    let theirs = listed(
        plain
            .get(reference.url("/"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap(),
    );
    let ours = listed(crate::support::get_json(&browser, &site, "/").await);
    assert_eq!(theirs, ours, "both sides list the same scenarios");
    let only = std::env::var("SITEGATE_SCENARIOS").ok();
    let scenarios: Vec<&String> = theirs
        .iter()
        .filter(|name| {
            only.as_deref()
                .is_none_or(|o| o.split(',').any(|n| n == name.as_str()))
        })
        .collect();
    assert!(!scenarios.is_empty(), "no scenarios selected");

    let mut mismatches = Vec::new();
    for name in &scenarios {
        let (their_status, mut their_answer) =
            ask(&plain, &reference.url(&format!("/{name}"))).await;
        let (our_status, mut our_answer) =
            ask(&browser.http, &browser.url(&site, &format!("/{name}"))).await;
        placeholders(&mut their_answer);
        placeholders(&mut our_answer);
        let mut found = known(name, &mut their_answer, &mut our_answer);
        if their_status != our_status {
            found.push(format!(
                "  status\n    miniflare: {their_status}\n    sitegate:  {our_status}"
            ));
        }
        differences("", &their_answer, &our_answer, &mut found);
        if !found.is_empty() {
            mismatches.push(format!("MISMATCH {name}\n{}", found.join("\n")));
        }
    }
    eprintln!(
        "D1 and R2 against miniflare: {} of {} scenarios match",
        scenarios.len() - mismatches.len(),
        scenarios.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} scenarios differ from miniflare:\n\n{}\n\ngateway log:\n{}",
        mismatches.len(),
        scenarios.len(),
        mismatches.join("\n\n"),
        gateway.log()
    );
}
