//! Worker sites through the real gateway: the URL a worker sees, streamed responses, the
//! worker's cookies filtered like an upstream's, error pages, identity headers, and (the
//! `sec_20_*` tests) a broken worker failing only its own site.

use std::path::Path;
use std::time::{Duration, Instant};

use e2e::{Browser, Gateway, GatewayBuilder};

use crate::support::host;

/// Writes `rbac/sites/<name>/index.js` for each worker and an RBAC file for workspace `acme`
/// naming them (`access` per site, `extra` lines appended to the site table).
fn workers(sites: &[(&str, &str, &str)]) -> GatewayBuilder {
    workers_with(sites, &[])
}

pub(crate) fn workers_with(sites: &[(&str, &str, &str)], extra: &[(&str, &str)]) -> GatewayBuilder {
    let mut rbac = String::from(
        "[workspace]\nid = \"acme\"\nname = \"Acme\"\nidp = \"dev\"\nemail_domains = [\"acme.test\"]\n\n\
[members]\n\"owner@acme.test\" = \"owner\"\n",
    );
    let builder = GatewayBuilder::new().extra("[dev_idp]\nenabled = true");
    for (name, access, source) in sites {
        write_worker(builder.dir(), name, source);
        let more = extra
            .iter()
            .filter(|(site, _)| site == name)
            .map(|(_, line)| format!("{line}\n"))
            .collect::<String>();
        rbac.push_str(&format!(
            "\n[sites.{name}]\naccess = \"{access}\"\nbackend = {{ worker = \"sites/{name}\" }}\n{more}"
        ));
    }
    builder.rbac("acme", &rbac)
}

fn write_worker(config_dir: &Path, name: &str, source: &str) {
    let dir = config_dir.join("rbac/sites").join(name);
    std::fs::create_dir_all(&dir).expect("worker dir");
    std::fs::write(dir.join("index.js"), source).expect("write worker");
}

/// An HTTP/1.1-only client of `gateway` (so framing headers are visible).
fn http1(gateway: &Gateway) -> reqwest::Client {
    e2e::Client::builder(&gateway.ca_pem(), gateway.https_port())
        .http1_only()
        .build()
        .expect("client")
}

const ECHO_URL: &str = r#"
export default {
  fetch(request) {
    const url = new URL(request.url);
    return Response.json({ url: request.url, origin: url.origin, host: url.host, port: url.port, protocol: url.protocol });
  },
};
"#;

#[tokio::test]
async fn request_url_carries_the_public_https_origin_and_port() {
    let gw = workers(&[("echo", "public", ECHO_URL)]).start();
    let client = gw.client();
    let port = gw.https_port();
    let resp = client.get(&host("echo"), "/a/b?c=d&e=%20f").await;
    assert_eq!(resp.status(), 200);
    let seen: serde_json::Value = resp.json().await.unwrap();
    let origin = format!("https://{}:{port}", host("echo"));
    assert_eq!(seen["url"], format!("{origin}/a/b?c=d&e=%20f"));
    assert_eq!(seen["origin"], origin);
    assert_eq!(seen["protocol"], "https:");
    assert_eq!(seen["port"], port.to_string());
    assert_eq!(seen["host"], format!("{}:{port}", host("echo")));
}

const STREAM: &str = r#"
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export default {
  fetch() {
    const encoder = new TextEncoder();
    let i = 0;
    const body = new ReadableStream({
      async pull(controller) {
        if (i > 0) await sleep(300);
        if (i === 3) return controller.close();
        controller.enqueue(encoder.encode(`part ${i++};`));
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain" } });
  },
};
"#;

#[tokio::test]
async fn a_streamed_response_of_unknown_length_comes_back_chunked_as_produced() {
    let gw = workers(&[("stream", "public", STREAM)]).start();
    let client = http1(&gw);
    let start = Instant::now();
    let mut resp = client
        .get(format!("https://{}:{}/", host("stream"), gw.https_port()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["transfer-encoding"], "chunked");
    assert!(resp.headers().get("content-length").is_none());
    let mut body = Vec::new();
    let mut first = None;
    while let Some(chunk) = resp.chunk().await.unwrap() {
        first.get_or_insert_with(|| start.elapsed());
        body.extend_from_slice(&chunk);
    }
    let end = start.elapsed();
    assert_eq!(String::from_utf8(body).unwrap(), "part 0;part 1;part 2;");
    let first = first.expect("a first chunk");
    assert!(
        end - first >= Duration::from_millis(400),
        "the first part arrives while the worker still produces the rest: first at {first:?}, end at {end:?}"
    );
}

const COOKIES: &str = r#"
export default {
  fetch() {
    const headers = new Headers();
    headers.append("set-cookie", "__Host-sitegate=forged; Path=/; Secure; HttpOnly");
    headers.append("set-cookie", "SITEGATE-sso=forged; Path=/");
    headers.append("set-cookie", "wide=1; Domain=test.localhost; Path=/");
    headers.append("set-cookie", "sibling=1; Domain=other.acme.test.localhost");
    headers.append("set-cookie", "theme=dark; Path=/; Secure");
    headers.append("set-cookie", "own=1; Domain=cookies.acme.test.localhost");
    return new Response("cookies", { headers });
  },
};
"#;

#[tokio::test]
async fn sec_05_worker_cookies_naming_the_gateway_or_a_wider_domain_are_dropped() {
    let gw = workers(&[("cookies", "public", COOKIES)]).start();
    let resp = gw.client().get(&host("cookies"), "/").await;
    assert_eq!(resp.status(), 200);
    let cookies: Vec<&str> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(
        cookies,
        [
            "theme=dark; Path=/; Secure",
            "own=1; Domain=cookies.acme.test.localhost"
        ]
    );
}

const THROWS: &str = r#"
function deep() {
  throw new Error("secret detail 7f3a in the worker");
}
export default {
  fetch(request) {
    if (new URL(request.url).pathname === "/fine") return new Response("fine");
    return deep();
  },
};
"#;

/// Asserts `resp` is the gateway's `status` page carrying its request id and nothing of
/// what the worker threw; returns the body.
async fn assert_failure_page(resp: reqwest::Response, status: u16) -> String {
    assert_eq!(resp.status(), status);
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    let body = resp.text().await.unwrap();
    assert!(
        !id.is_empty() && body.contains(&id),
        "request id {id} in: {body}"
    );
    for leak in [
        "secret detail",
        "index.js",
        "rbac/sites",
        " at ",
        "deep",
        "Error:",
    ] {
        assert!(!body.contains(leak), "{leak:?} leaked into: {body}");
    }
    body
}

#[tokio::test]
async fn sec_21_a_worker_exception_gives_a_500_page_with_the_request_id_and_no_stack() {
    let gw = workers(&[("throws", "public", THROWS)]).start();
    let client = gw.client();
    assert_failure_page(client.get(&host("throws"), "/").await, 500).await;
    // JSON clients get the same, as JSON.
    let resp = client
        .http
        .get(client.url(&host("throws"), "/"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let body = assert_failure_page(resp, 500).await;
    serde_json::from_str::<serde_json::Value>(&body).expect("a JSON page");
    let resp = client.get(&host("throws"), "/fine").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "fine");
    assert!(
        gw.log().contains("secret detail 7f3a"),
        "the exception is logged for the owners"
    );
}

const IDENTITY: &str = r#"
export default {
  fetch(request) {
    const pick = (name) => request.headers.get(name);
    return Response.json({
      email: pick("sitegate-user-email"),
      role: pick("sitegate-user-role"),
      id: pick("sitegate-user-id"),
      assertion: pick("sitegate-jwt-assertion") !== null,
      cookie: pick("cookie"),
    });
  },
};
"#;

#[tokio::test]
async fn sec_03_identity_headers_reach_the_worker_of_a_signed_in_site() {
    let gw = workers(&[("who", "workspace_all", IDENTITY)]).start();
    let browser = Browser::new(&gw.ca_pem(), gw.https_port());
    let hops = browser
        .sign_in(&host("who"), "/me", "owner@acme.test")
        .await;
    assert_eq!(hops.landed, "/me");
    let resp = browser
        .http
        .get(browser.url(&host("who"), "/me"))
        .header("sitegate-user-email", "forged@acme.test")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let seen: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(seen["email"], "owner@acme.test", "{seen}");
    assert_eq!(seen["role"], "owner", "{seen}");
    assert!(
        seen["id"].as_str().is_some_and(|id| !id.is_empty()),
        "{seen}"
    );
    assert_eq!(seen["assertion"], true, "{seen}");
    // The gateway's own cookies never reach the worker.
    assert!(
        !seen["cookie"].as_str().unwrap_or("").contains("sitegate"),
        "{seen}"
    );
    // Signed out, the worker is not reached at all.
    let stranger = gw.client().get(&host("who"), "/me").await;
    assert_eq!(stranger.status(), 302);
}

/// A worker answering `/ok` normally and misbehaving on every other path.
fn misbehaving(misdeed: &str) -> String {
    format!(
        r#"
export default {{
  fetch(request) {{
    if (new URL(request.url).pathname === "/ok") return new Response("recovered");
    {misdeed}
  }},
}};
"#
    )
}

const GOOD: &str = r#"
let served = 0;
export default {
  async fetch(request) {
    served += 1;
    await new Promise((resolve) => setTimeout(resolve, 1));
    return Response.json({ good: true, path: new URL(request.url).pathname, positive: served > 0 });
  },
};
"#;

/// Sends `path` to the site `bad`, and meanwhile keeps asking the site `good`: every answer
/// of `good` must be right, the bad request must get the gateway's `status` page, and both
/// sites must answer normally afterwards.
async fn sec_20_isolated(bad: &str, misdeed: &str, status: u16, site_lines: &[(&str, &str)]) {
    let bad_source = misbehaving(misdeed);
    let gw = workers_with(
        &[(bad, "public", &bad_source), ("good", "public", GOOD)],
        site_lines,
    )
    // One JS thread: both sites' isolates live on it, so a misdeed that held the thread
    // would stall the good site too.
    .extra("[workers]\nthreads = 1\nmemory_limit_mb = 64")
    .start();
    let client = gw.client();
    // Both isolates loaded before the misdeed starts.
    assert_eq!(client.get(&host(bad), "/ok").await.status(), 200);
    assert_eq!(client.get(&host("good"), "/warm").await.status(), 200);

    let bad_request = {
        let client = client.clone();
        let bad = host(bad);
        tokio::spawn(async move { client.get(&bad, "/misbehave").await })
    };
    let mut during = 0;
    while !bad_request.is_finished() && during < 200 {
        let resp = client
            .get(&host("good"), &format!("/during/{during}"))
            .await;
        assert_eq!(resp.status(), 200, "good site during the misdeed");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["path"], format!("/during/{during}"));
        during += 1;
    }
    let resp = bad_request.await.unwrap();
    assert_failure_page(resp, status).await;

    for round in 0..3 {
        let resp = client.get(&host("good"), &format!("/after/{round}")).await;
        assert_eq!(resp.status(), 200, "good site after the misdeed");
        let resp = client.get(&host(bad), "/ok").await;
        assert_eq!(resp.status(), 200, "the broken site's next normal request");
        assert_eq!(resp.text().await.unwrap(), "recovered");
    }
    // And it fails the same way again, still alone.
    assert_failure_page(client.get(&host(bad), "/again").await, status).await;
    assert_eq!(client.get(&host("good"), "/last").await.status(), 200);
}

#[tokio::test]
async fn sec_20_an_infinite_loop_fails_only_its_own_site() {
    // A CPU allowance long enough for the good site to be asked many times meanwhile.
    sec_20_isolated("spin", "for (;;) {}", 503, &[("spin", "cpu_ms = 1500")]).await;
}

#[tokio::test]
async fn sec_26_a_loop_of_awaits_fails_only_its_own_site() {
    // Promise jobs are charged like any other code, with AsyncLocalStorage's hook loaded.
    let awaits = r#"return (async () => {
      const { AsyncLocalStorage } = await import("node:async_hooks");
      await new AsyncLocalStorage().run(1, async () => { for (;;) { await null; } });
    })();"#;
    sec_20_isolated("awaits", awaits, 503, &[("awaits", "cpu_ms = 1500")]).await;
}

#[tokio::test]
async fn sec_20_a_memory_bomb_fails_only_its_own_site() {
    let bomb = r#"const keep = [];
    const block = "x".repeat(1 << 20);
    for (;;) keep.push(block + keep.length);"#;
    sec_20_isolated("bomb", bomb, 503, &[("bomb", "cpu_ms = 20000")]).await;
}

#[tokio::test]
async fn sec_20_runaway_recursion_fails_only_its_own_site() {
    let recursion = r#"const down = (n) => down(n + 1) + 1;
    return down(0);"#;
    sec_20_isolated("recurse", recursion, 500, &[("recurse", "cpu_ms = 20000")]).await;
}
