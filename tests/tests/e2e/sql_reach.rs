//! Site SQL reaches only its own D1 database (the storage half of tenant isolation): a worker
//! that tries the attack found on the real gateway — learn its file's path, ATTACH its own R2
//! index and rewrite where an object's bytes are to read the session keys, ATTACH another
//! site's database, create files with ATTACH and VACUUM INTO, turn on writable_schema — gets
//! D1's `not authorized` for each, and no file is read, created, changed or deleted.

use std::path::{Path, PathBuf};

use e2e::Browser;
use serde_json::{json, Value};

use crate::support::{host, project_dir, worker_project_sites};

const REFUSED: &str = "D1_ERROR: not authorized: SQLITE_AUTH";

const WORKER: &str = r#"
const attempt = async (step) => {
  try { return { ok: await step() }; } catch (e) { return { error: e.message }; }
};
export default {
  async fetch(request, env) {
    const sql = (text) => attempt(() => env.DB.prepare(text).all().then((r) => r.results));
    const path = new URL(request.url).pathname;
    if (path === "/seed") {
      await env.DB.prepare("CREATE TABLE IF NOT EXISTS secret (v TEXT)").run();
      await env.DB.prepare("INSERT INTO secret VALUES ('only-b')").run();
      await env.BUCKET.put("mine", "b's object");
      return Response.json({ ok: true });
    }
    if (path === "/tables") {
      const { results } = await env.DB.prepare("SELECT name FROM sqlite_master ORDER BY name").all();
      return Response.json(results.map((r) => r.name));
    }
    if (path === "/read") {
      const { results } = await env.DB.prepare("SELECT v FROM secret").all();
      return Response.json(results.map((r) => r.v));
    }
    const p = await request.json();
    await env.BUCKET.put("k", "x");
    const out = {
      databaseList: await sql("PRAGMA database_list"),
      attachIndex: await sql(`ATTACH DATABASE '${p.index}' AS r`),
      rewrite: await sql(`UPDATE r.objects SET blob = '${p.keys}', size = 1000000 WHERE key = 'k'`),
      attachOther: await sql(`ATTACH DATABASE '${p.other}' AS o`),
      readOther: await sql("SELECT v FROM o.secret"),
      attachNew: await sql(`ATTACH DATABASE '${p.created}' AS n`),
      vacuumInto: await sql(`VACUUM INTO '${p.vacuumed}'`),
      writableSchema: await sql("PRAGMA writable_schema = ON"),
    };
    const got = await env.BUCKET.get("k");
    out.got = got && (await got.text());
    out.deleted = await attempt(() => env.BUCKET.delete("k").then(() => true));
    return Response.json(out);
  },
};
"#;

fn project(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("index.js"), WORKER).unwrap();
    std::fs::write(
        dir.join("wrangler.json"),
        r#"{"main": "index.js", "d1_databases": [{"binding": "DB"}], "r2_buckets": [{"binding": "BUCKET"}]}"#,
    )
    .unwrap();
}

/// Every file under `dir` with its bytes, but those whose path starts with one of `own` (the
/// attacking site's database and bucket: they change with its queries).
fn files(dir: &Path, own: &[&Path]) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = path.to_string_lossy();
            let own = own.iter().any(|o| text.starts_with(&*o.to_string_lossy()));
            if path.is_dir() {
                dirs.push(path);
            } else if !own {
                let bytes = std::fs::read(&path).unwrap_or_default();
                found.push((path, bytes));
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn sec_24_site_sql_reaches_no_file_but_its_own_database() {
    let builder = worker_project_sites(&[("a", "public"), ("b", "public")]);
    project(&project_dir(&builder, "a"));
    project(&project_dir(&builder, "b"));
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let http = browser.http.clone();
    let state = gw.dir().join("state");
    let seeded = http
        .post(browser.url(&host("b"), "/seed"))
        .send()
        .await
        .unwrap();
    assert_eq!(seeded.status(), 200, "{}", seeded.text().await.unwrap());

    let index = state.join("sites/acme/a/r2/BUCKET/bucket.sqlite");
    let other = state.join("sites/acme/b/d1/DB.sqlite3");
    let keys = files(&state, &[])
        .into_iter()
        .map(|(path, _)| path)
        .find(|path| path.ends_with("session-keys.json"))
        .expect("the gateway keeps its session keys in the state directory");
    let created = state.join("sites/acme/a/d1/created.sqlite3");
    let vacuumed = state.join("vacuumed.sqlite3");
    let own_db = state.join("sites/acme/a/d1/DB.sqlite3");
    let own_bucket = state.join("sites/acme/a/r2/BUCKET");
    let own: [&Path; 2] = [&own_db, &own_bucket];
    for target in [&other, &keys] {
        assert!(
            target.exists(),
            "the attack aims at a real file: {target:?}"
        );
    }
    let session_keys = std::fs::read(&keys).unwrap();
    let before = files(&state, &own);

    let reply = http
        .post(browser.url(&host("a"), "/attack"))
        .json(&json!({
            "index": index, "other": other, "keys": keys,
            "created": created, "vacuumed": vacuumed,
        }))
        .send()
        .await
        .unwrap();
    let status = reply.status();
    let text = reply.text().await.unwrap();
    assert_eq!(status, 200, "{text}\n{}", gw.log());
    let out: Value = serde_json::from_str(&text).unwrap();
    assert!(
        index.exists(),
        "the bucket's index is where the attack aimed"
    );

    for step in [
        "databaseList",
        "attachIndex",
        "attachOther",
        "attachNew",
        "vacuumInto",
        "writableSchema",
    ] {
        assert_eq!(
            out[step],
            json!({ "error": REFUSED }),
            "{step} is refused with D1's error: {out:#}"
        );
    }
    for step in ["rewrite", "readOther"] {
        assert!(
            out[step]["error"].as_str().is_some(),
            "{step} fails with nothing attached: {out:#}"
        );
    }
    assert_eq!(
        out["got"], "x",
        "the object's own bytes, not the session keys"
    );
    assert_eq!(out["deleted"], json!({ "ok": true }));

    assert_eq!(
        std::fs::read(&keys).unwrap(),
        session_keys,
        "the keys are untouched"
    );
    assert!(!created.exists(), "ATTACH created no file");
    assert!(!vacuumed.exists(), "VACUUM INTO created no file");
    assert_eq!(
        files(&state, &own),
        before,
        "no file outside the site's database and bucket changed"
    );
    let b = http
        .get(browser.url(&host("b"), "/read"))
        .send()
        .await
        .unwrap();
    assert_eq!(b.json::<Value>().await.unwrap(), json!(["only-b"]));
}

#[tokio::test]
async fn sec_24_a_migration_reaches_no_file_but_its_own_database() {
    // Migrations are project files too: they run on the same confined connection.
    let builder = worker_project_sites(&[("a", "public"), ("b", "public")]);
    let a = project_dir(&builder, "a");
    project(&a);
    project(&project_dir(&builder, "b"));
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let get = async |site: &str, path: &str| {
        let reply = browser
            .http
            .post(browser.url(&host(site), path))
            .send()
            .await
            .unwrap();
        (reply.status().as_u16(), reply.text().await.unwrap())
    };
    assert_eq!(get("b", "/seed").await.0, 200);
    let other = gw.dir().join("state/sites/acme/b/d1/DB.sqlite3");
    let created = gw.dir().join("created-by-a-migration.sqlite3");
    assert!(other.exists());

    std::fs::create_dir_all(a.join("migrations")).unwrap();
    std::fs::write(
        a.join("migrations/0001_reach.sql"),
        format!(
            "ATTACH DATABASE '{}' AS o;\nCREATE TABLE o.planted (v TEXT);\nATTACH DATABASE '{}' AS n;\nCREATE TABLE n.t (v TEXT);\n",
            other.display(),
            created.display()
        ),
    )
    .unwrap();
    std::fs::write(
        a.join("wrangler.json"),
        r#"{"main": "index.js", "d1_databases": [{"binding": "DB", "migrations_dir": "migrations"}], "r2_buckets": [{"binding": "BUCKET"}]}"#,
    )
    .unwrap();
    gw.signal(libc::SIGHUP);
    crate::support::eventually("the migration is tried", async || {
        gw.log().contains("0001_reach.sql")
    })
    .await;
    let log = gw.log();
    assert!(log.contains("not authorized"), "{log}");
    assert!(
        !created.exists(),
        "a migration created a file outside its database"
    );
    assert_eq!(
        get("b", "/tables").await,
        (200, r#"["secret"]"#.to_string()),
        "a migration wrote into another site's database"
    );
}
