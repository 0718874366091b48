//! A wrangler project served by the real gateway: static assets first (ETag, `_headers`),
//! D1 with its migrations applied before the version takes traffic, R2, vars and a secret set
//! with `sitegate secret put`.

use std::path::Path;

use e2e::{Browser, GatewayBuilder};

use crate::support::{get_json, host, project_dir, put_secret, worker_project_sites};

const WORKER: &str = r#"
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/api/env") {
      return Response.json({ greeting: env.GREETING, conf: env.CONF, key: env.API_KEY });
    }
    if (url.pathname === "/api/notes" && request.method === "POST") {
      const { text } = await request.json();
      const r = await env.DB.prepare("INSERT INTO notes (text) VALUES (?)").bind(text).run();
      return Response.json({ id: r.meta.last_row_id });
    }
    if (url.pathname === "/api/notes") {
      const { results } = await env.DB.prepare("SELECT id, text FROM notes ORDER BY id").all();
      return Response.json(results);
    }
    if (url.pathname.startsWith("/files/")) {
      const key = url.pathname.slice("/files/".length);
      if (request.method === "PUT") {
        const object = await env.FILES.put(key, await request.arrayBuffer(), {
          httpMetadata: { contentType: request.headers.get("content-type") ?? "application/octet-stream" },
        });
        return Response.json({ size: object.size, etag: object.etag });
      }
      const object = await env.FILES.get(key);
      if (object === null) return new Response("no such file", { status: 404 });
      const headers = new Headers();
      object.writeHttpMetadata(headers);
      headers.set("etag", object.httpEtag);
      return new Response(object.body, { headers });
    }
    if (url.pathname === "/via-binding") {
      return env.ASSETS.fetch(new Request(new URL("/style.css", "https://elsewhere.example")));
    }
    return new Response("worker: " + url.pathname, { status: 404 });
  },
};
"#;

const WRANGLER: &str = r#"// A wrangler.jsonc: comments and trailing commas are allowed.
{
  "name": "app",
  "main": "src/index.js",
  "compatibility_date": "2025-11-01",
  "assets": { "directory": "public", "binding": "ASSETS" },
  "d1_databases": [{ "binding": "DB", "database_name": "app", "database_id": "local" }],
  "r2_buckets": [{ "binding": "FILES", "bucket_name": "files" }],
  "vars": { "GREETING": "hello", "CONF": { "n": 1 }, },
}
"#;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn project(dir: &Path) {
    write(dir, "wrangler.jsonc", WRANGLER);
    write(dir, "src/index.js", WORKER);
    write(dir, "public/index.html", "<h1>home</h1>");
    write(dir, "public/style.css", "h1 { color: red }");
    write(dir, "public/_headers", "/style.css\n  X-Styled: yes\n");
    write(
        dir,
        "migrations/0001_notes.sql",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);",
    );
    write(
        dir,
        "migrations/0002_seed.sql",
        "INSERT INTO notes (text) VALUES ('first');",
    );
}

fn builder() -> GatewayBuilder {
    let builder = worker_project_sites(&[("app", "public"), ("private", "admins_only")]);
    project(&project_dir(&builder, "app"));
    project(&project_dir(&builder, "private"));
    builder
}

#[tokio::test]
async fn a_wrangler_project_gets_its_assets_d1_r2_vars_and_secrets() {
    let builder = builder();
    let config = builder.write();
    put_secret(&config, "acme/app", "API_KEY", "k-123\n");
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let app = host("app");

    // Assets first, with an ETag that revalidates and the _headers rule.
    let home = browser
        .http
        .get(browser.url(&app, "/"))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200, "{}", gw.log());
    let etag = home.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        home.headers()["cache-control"],
        "public, max-age=0, must-revalidate"
    );
    assert_eq!(home.text().await.unwrap(), "<h1>home</h1>");
    let again = browser
        .http
        .get(browser.url(&app, "/"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let css = browser
        .http
        .get(browser.url(&app, "/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.headers()["x-styled"], "yes");
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let via = browser
        .http
        .get(browser.url(&app, "/via-binding"))
        .send()
        .await
        .unwrap();
    assert_eq!(via.headers()["x-styled"], "yes");
    assert_eq!(via.text().await.unwrap(), "h1 { color: red }");

    // Vars (text and JSON) and the secret.
    let env = get_json(&browser, &app, "/api/env").await;
    assert_eq!(
        env,
        serde_json::json!({"greeting": "hello", "conf": {"n": 1}, "key": "k-123"})
    );

    // D1, with both migrations applied before the first request.
    let created: serde_json::Value = browser
        .http
        .post(browser.url(&app, "/api/notes"))
        .json(&serde_json::json!({"text": "second"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["id"], 2, "{}", gw.log());
    let notes = get_json(&browser, &app, "/api/notes").await;
    assert_eq!(
        notes,
        serde_json::json!([{"id": 1, "text": "first"}, {"id": 2, "text": "second"}])
    );

    // R2.
    let put = browser
        .http
        .put(browser.url(&app, "/files/docs/a.txt"))
        .header("content-type", "text/plain")
        .body("hello bucket")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200, "{}", gw.log());
    let got = browser
        .http
        .get(browser.url(&app, "/files/docs/a.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.headers()["content-type"], "text/plain");
    assert_eq!(got.text().await.unwrap(), "hello bucket");
    let state = gw.dir().join("state");
    assert!(
        !std::fs::read_to_string(state.join("secrets.json"))
            .unwrap()
            .contains("k-123"),
        "secrets are stored encrypted"
    );
}

#[tokio::test]
async fn sec_16_a_private_sites_static_assets_are_not_served_before_sign_in() {
    let gw = builder().start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    for path in ["/", "/index.html", "/style.css"] {
        let reply = browser
            .http
            .get(browser.url(&host("private"), path))
            .send()
            .await
            .unwrap();
        assert_ne!(reply.status(), 200, "{path} served to an anonymous visitor");
        assert!(reply.headers().get("etag").is_none(), "{path}");
        let body = reply.text().await.unwrap();
        assert!(
            !body.contains("<h1>home</h1>") && !body.contains("color: red"),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn sec_05_a_projects_headers_file_cannot_set_the_gateways_cookies_or_toss_cookies() {
    // `_headers` is the project's: its Set-Cookie rules are filtered as a worker's are.
    let builder = worker_project_sites(&[("app", "public")]);
    let dir = project_dir(&builder, "app");
    project(&dir);
    write(
        &dir,
        "public/_headers",
        "/*\n  Set-Cookie: __Host-sitegate=planted; Path=/; Secure\n  Set-Cookie: __Host-sitegate-sso=planted; Path=/; Secure\n  Set-Cookie: wide=1; Domain=acme.test.localhost; Path=/\n  Set-Cookie: fine=1; Path=/\n",
    );
    let gw = builder.start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let reply = browser
        .http
        .get(browser.url(&host("app"), "/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200, "{}", gw.log());
    crate::support::assert_only_the_sites_own_cookies_were_set(reply.headers());
}
