//! Crash safety of worker data: the gateway is killed (SIGKILL) in the middle of a stream of
//! D1 inserts and R2 puts; after a restart every acknowledged write is there and no object is
//! half-written.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use e2e::Browser;

use crate::support::{get_json, host, project_dir, worker_project_sites};

const WORKER: &str = r#"
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, kind, n] = url.pathname.split("/");
    if (kind === "d1" && request.method === "POST") {
      await env.DB.prepare("INSERT INTO writes (n) VALUES (?)").bind(Number(n)).run();
      return new Response("ok");
    }
    if (kind === "d1") {
      const { results } = await env.DB.prepare("SELECT n FROM writes ORDER BY n").all();
      return Response.json(results.map((r) => r.n));
    }
    if (kind === "r2" && request.method === "PUT") {
      await env.FILES.put("obj-" + n, await request.arrayBuffer());
      return new Response("ok");
    }
    const object = await env.FILES.get("obj-" + n);
    return object === null ? new Response("none", { status: 404 }) : new Response(object.body);
  },
};
"#;

const OBJECT_BYTES: usize = 256 * 1024;

fn object(n: u32) -> Vec<u8> {
    (0..OBJECT_BYTES)
        .map(|i| ((i as u32 + n) % 251) as u8)
        .collect()
}

#[tokio::test]
async fn acknowledged_d1_and_r2_writes_survive_a_kill_and_no_object_is_half_written() {
    let builder = worker_project_sites(&[("app", "public")]);
    let dir = project_dir(&builder, "app");
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(dir.join("index.js"), WORKER).unwrap();
    std::fs::write(
        dir.join("wrangler.json"),
        r#"{"main": "index.js", "d1_databases": [{"binding": "DB"}], "r2_buckets": [{"binding": "FILES"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("migrations/0001_writes.sql"),
        "CREATE TABLE writes (n INTEGER PRIMARY KEY);",
    )
    .unwrap();
    let gw = builder.start();
    let browser = Arc::new(Browser::new(&gw.ca_pem(), gw.https_port()));
    let app = host("app");
    let acked_rows = Arc::new(Mutex::new(BTreeSet::new()));
    let acked_objects = Arc::new(Mutex::new(BTreeSet::new()));
    let sent_objects = Arc::new(Mutex::new(BTreeSet::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for lane in 0..4u32 {
        let (browser, app, stop) = (browser.clone(), app.clone(), stop.clone());
        let (rows, objects, sent) = (
            acked_rows.clone(),
            acked_objects.clone(),
            sent_objects.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let n = i * 4 + lane;
                let row = browser
                    .http
                    .post(browser.url(&app, &format!("/d1/{n}")))
                    .send()
                    .await;
                match row {
                    Ok(r) if r.status() == 200 => {
                        rows.lock().unwrap().insert(n);
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
                sent.lock().unwrap().insert(n);
                let put = browser
                    .http
                    .put(browser.url(&app, &format!("/r2/{n}")))
                    .body(object(n))
                    .send()
                    .await;
                match put {
                    Ok(r) if r.status() == 200 => {
                        objects.lock().unwrap().insert(n);
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let gw = gw.crash_and_restart();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        let _ = writer.await;
    }
    let (rows, objects) = (
        acked_rows.lock().unwrap().clone(),
        acked_objects.lock().unwrap().clone(),
    );
    assert!(
        rows.len() > 10 && objects.len() > 10,
        "the writers made progress before the kill: {} rows, {} objects",
        rows.len(),
        objects.len()
    );
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let stored: Vec<u32> =
        serde_json::from_value(get_json(&browser, &app, "/d1/all").await).unwrap();
    let stored: BTreeSet<u32> = stored.into_iter().collect();
    let lost: Vec<_> = rows.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged rows lost: {lost:?}");
    let sent = sent_objects.lock().unwrap().clone();
    for n in sent {
        let reply = browser
            .http
            .get(browser.url(&app, &format!("/r2/{n}")))
            .send()
            .await
            .unwrap();
        let status = reply.status();
        let body = reply.bytes().await.unwrap();
        if objects.contains(&n) {
            assert_eq!(status, 200, "acknowledged object {n} lost");
        }
        if status == 200 {
            assert!(
                body.as_ref() == object(n).as_slice(),
                "object {n} is not whole: {} bytes",
                body.len()
            );
        }
    }
}
