//! Sites never reach each other's data (docs/security.md line 19): two worker sites with the
//! same binding names get their own D1 database, R2 bucket and secrets; an R2 key made of
//! `../` stays a key in its own bucket; and a project whose binding name climbs out of its
//! data directory is refused instead of opening another site's database.

use std::path::Path;

use e2e::Browser;

use crate::support::{host, project_dir, put_secret, worker_project_sites};

const WORKER: &str = r#"
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/write") {
      await env.DB.prepare("INSERT INTO notes (text) VALUES ('mine')").run();
      await env.FILES.put("doc", "mine");
      await env.FILES.put("../../a/r2/FILES/doc", "planted");
      return Response.json({ ok: true });
    }
    const { results } = await env.DB.prepare("SELECT text FROM notes").all();
    const doc = await env.FILES.get("doc");
    const listed = await env.FILES.list();
    return Response.json({
      notes: results.map((r) => r.text),
      doc: doc && (await doc.text()),
      keys: listed.objects.map((o) => o.key),
      secret: env.API_KEY ?? null,
    });
  },
};
"#;

fn project(dir: &Path, d1_binding: &str) {
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(dir.join("index.js"), WORKER).unwrap();
    std::fs::write(
        dir.join("wrangler.json"),
        format!(
            r#"{{"main": "index.js", "d1_databases": [{{"binding": "{d1_binding}", "database_name": "x", "database_id": "x"}}], "r2_buckets": [{{"binding": "FILES", "bucket_name": "files"}}]}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("migrations/0001.sql"),
        "CREATE TABLE notes (text TEXT);\n",
    )
    .unwrap();
}

#[tokio::test]
async fn sec_19_sites_with_the_same_bindings_never_share_data_and_names_cannot_escape() {
    let builder = worker_project_sites(&[("a", "public"), ("b", "public"), ("evil", "public")]);
    project(&project_dir(&builder, "a"), "DB");
    project(&project_dir(&builder, "b"), "DB");
    project(&project_dir(&builder, "evil"), "../../a/d1/DB");
    let gw = builder.start();
    put_secret(gw.config_path(), "acme/a", "API_KEY", "only-for-a");
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let get = |site: &'static str, path: &'static str| {
        let (http, url) = (browser.http.clone(), browser.url(&host(site), path));
        async move {
            let reply = http.get(url).send().await.unwrap();
            (reply.status().as_u16(), reply.text().await.unwrap())
        }
    };

    assert_eq!(get("a", "/write").await.0, 200);
    let mut a = serde_json::Value::Null;
    for _ in 0..50 {
        a = serde_json::from_str(&get("a", "/").await.1).unwrap();
        if a["secret"] == "only-for-a" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        a,
        serde_json::json!({"notes": ["mine"], "doc": "mine", "keys": ["../../a/r2/FILES/doc", "doc"], "secret": "only-for-a"}),
        "a `../` key is just a key of a's own bucket"
    );
    let b: serde_json::Value = serde_json::from_str(&get("b", "/").await.1).unwrap();
    assert_eq!(
        b,
        serde_json::json!({"notes": [], "doc": null, "keys": [], "secret": null}),
        "b sees none of a's rows, objects or secrets"
    );
    let (status, body) = get("evil", "/").await;
    assert_eq!(
        status, 503,
        "a binding name climbing out of the data directory: {body}"
    );
    assert!(!body.contains("mine"));
    assert!(
        gw.log()
            .contains("d1 binding name \"../../a/d1/DB\" is not a JavaScript identifier"),
        "the log says why"
    );
}
