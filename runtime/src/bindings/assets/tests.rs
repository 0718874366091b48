//! Serving static assets.

use std::fs;

use http::{HeaderMap, Method, StatusCode};

use super::{Assets, HtmlHandling, NotFoundHandling};

fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    dir
}

fn assets(dir: &tempfile::TempDir, html: HtmlHandling, nf: NotFoundHandling) -> Assets {
    Assets::new(dir.path(), dir.path(), html, nf).expect("assets")
}

fn get(a: &Assets, path: &str) -> Option<super::AssetResponse> {
    a.serve(&Method::GET, path, &HeaderMap::new())
}

fn location(r: &super::AssetResponse) -> &str {
    r.headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[test]
fn serves_file_with_etag_type_and_cache_control() {
    let dir = site(&[("style.css", "body{}")]);
    let a = assets(&dir, HtmlHandling::default(), NotFoundHandling::default());
    let r = get(&a, "/style.css").expect("asset");
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(&r.body[..], b"body{}");
    assert_eq!(r.headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        r.headers["cache-control"],
        "public, max-age=0, must-revalidate"
    );
    let etag = r.headers["etag"].clone();
    assert!(etag.to_str().expect("ascii").starts_with('"'));
    let mut conditional = HeaderMap::new();
    conditional.insert("if-none-match", etag);
    let r = a
        .serve(&Method::GET, "/style.css", &conditional)
        .expect("asset");
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.body.is_empty());
}

#[test]
fn head_has_no_body_and_post_is_not_an_asset() {
    let dir = site(&[("a.txt", "hello")]);
    let a = assets(&dir, HtmlHandling::default(), NotFoundHandling::default());
    let r = a
        .serve(&Method::HEAD, "/a.txt", &HeaderMap::new())
        .expect("asset");
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.is_empty());
    assert!(a
        .serve(&Method::POST, "/a.txt", &HeaderMap::new())
        .is_none());
}

#[test]
fn auto_trailing_slash_serves_and_redirects() {
    let dir = site(&[
        ("index.html", "home"),
        ("about.html", "about"),
        ("blog/index.html", "blog"),
    ]);
    let a = assets(
        &dir,
        HtmlHandling::AutoTrailingSlash,
        NotFoundHandling::None,
    );
    assert_eq!(&get(&a, "/").expect("home").body[..], b"home");
    assert_eq!(&get(&a, "/about").expect("about").body[..], b"about");
    let r = get(&a, "/about.html").expect("redirect");
    assert_eq!(r.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(location(&r), "/about");
    assert_eq!(location(&get(&a, "/about/").expect("redirect")), "/about");
    assert_eq!(&get(&a, "/blog/").expect("blog").body[..], b"blog");
    assert_eq!(location(&get(&a, "/blog").expect("redirect")), "/blog/");
    assert_eq!(
        location(&get(&a, "/blog/index.html").expect("redirect")),
        "/blog/"
    );
    assert_eq!(location(&get(&a, "/index.html").expect("redirect")), "/");
    assert!(get(&a, "/missing").is_none());
}

#[test]
fn force_and_drop_trailing_slash() {
    let dir = site(&[("about.html", "about"), ("blog/index.html", "blog")]);
    let force = assets(
        &dir,
        HtmlHandling::ForceTrailingSlash,
        NotFoundHandling::None,
    );
    assert_eq!(
        location(&get(&force, "/about").expect("redirect")),
        "/about/"
    );
    assert_eq!(&get(&force, "/about/").expect("page").body[..], b"about");
    let drop = assets(
        &dir,
        HtmlHandling::DropTrailingSlash,
        NotFoundHandling::None,
    );
    assert_eq!(location(&get(&drop, "/blog/").expect("redirect")), "/blog");
    assert_eq!(&get(&drop, "/blog").expect("page").body[..], b"blog");
    let none = assets(&dir, HtmlHandling::None, NotFoundHandling::None);
    assert!(get(&none, "/about").is_none());
    assert_eq!(&get(&none, "/about.html").expect("page").body[..], b"about");
}

#[test]
fn not_found_page_and_single_page_application() {
    let dir = site(&[
        ("index.html", "app"),
        ("404.html", "gone"),
        ("docs/404.html", "docs gone"),
    ]);
    let page = assets(
        &dir,
        HtmlHandling::default(),
        NotFoundHandling::NotFoundPage,
    );
    let r = get(&page, "/nope").expect("404 page");
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(&r.body[..], b"gone");
    assert_eq!(
        &get(&page, "/docs/x/y").expect("404").body[..],
        b"docs gone"
    );
    let spa = assets(
        &dir,
        HtmlHandling::default(),
        NotFoundHandling::SinglePageApplication,
    );
    let r = get(&spa, "/some/route").expect("spa");
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(&r.body[..], b"app");
}

#[test]
fn headers_file_sets_and_detaches() {
    let dir = site(&[
        ("a/b.js", "x"),
        (
            "_headers",
            "/a/*\n  X-Splat: :splat\n  ! Cache-Control\n/:dir/b.js\n  X-Dir: :dir\n",
        ),
    ]);
    let a = assets(&dir, HtmlHandling::default(), NotFoundHandling::default());
    let r = get(&a, "/a/b.js").expect("asset");
    assert_eq!(r.headers["x-splat"], "b.js");
    assert_eq!(r.headers["x-dir"], "a");
    assert!(r.headers.get("cache-control").is_none());
    assert!(get(&a, "/_headers").is_none());
}

#[test]
fn assetsignore_hides_files() {
    let dir = site(&[
        ("keep.txt", "k"),
        ("secret.env", "s"),
        ("private/x.txt", "p"),
        (".assetsignore", "*.env\nprivate/\n"),
    ]);
    let a = assets(&dir, HtmlHandling::default(), NotFoundHandling::default());
    assert!(get(&a, "/keep.txt").is_some());
    assert!(get(&a, "/secret.env").is_none());
    assert!(get(&a, "/private/x.txt").is_none());
    assert!(get(&a, "/.assetsignore").is_none());
}

#[test]
fn paths_cannot_escape() {
    let outside = site(&[("secret.txt", "s")]);
    let dir = site(&[("ok.txt", "o")]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        dir.path().join("link.txt"),
    )
    .expect("symlink");
    let a = assets(&dir, HtmlHandling::default(), NotFoundHandling::default());
    assert!(get(&a, "/link.txt").is_none());
    assert!(get(&a, "/../secret.txt").is_none());
    assert!(get(&a, "/%2e%2e/secret.txt").is_none());
    assert!(get(&a, "/ok.txt").is_some());
}

#[test]
fn equality_is_by_config() {
    let dir = site(&[("a.txt", "a")]);
    let one = assets(&dir, HtmlHandling::default(), NotFoundHandling::default());
    fs::write(dir.path().join("_headers"), "/*\n  X: y\n").expect("write");
    let two = assets(&dir, HtmlHandling::default(), NotFoundHandling::default());
    assert_eq!(one, two);
    assert_ne!(
        one,
        assets(&dir, HtmlHandling::None, NotFoundHandling::default())
    );
}

#[test]
fn ignoring_hides_more() {
    let dir = site(&[("server/index.js", "s"), ("page.txt", "p")]);
    let a = assets(&dir, HtmlHandling::default(), NotFoundHandling::default())
        .ignoring(&["/server/".to_string()]);
    assert!(get(&a, "/server/index.js").is_none());
    assert!(get(&a, "/page.txt").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_assets_fetch_answers_from_the_worker() {
    use std::sync::Arc;

    use crate::{Bindings, Limits, Pool, PoolOptions, VersionKey, WorkerBody, WorkerRequest};

    let dir = site(&[
        (
            "worker/index.js",
            r#"export default {
            async fetch(request, env) {
                const url = new URL(request.url);
                if (url.pathname === "/by-url") return env.ASSETS.fetch("https://x.test/hello.txt?q=1");
                const r = await env.ASSETS.fetch(request);
                return new Response(await r.text(), { status: r.status, headers: r.headers });
            },
        };"#,
        ),
        ("public/hello.txt", "hello"),
    ]);
    let assets = Assets::new(
        dir.path(),
        &dir.path().join("public"),
        HtmlHandling::default(),
        NotFoundHandling::default(),
    )
    .expect("assets");
    let key = VersionKey {
        site: "ws/assets".into(),
        version: "v1".into(),
        dir: dir.path().join("worker"),
        entry: "index.js".into(),
        limits: Limits::default(),
        outbound: Default::default(),
        bindings: Arc::new(Bindings {
            assets: Some((Some("ASSETS".into()), Arc::new(assets))),
            ..Bindings::default()
        }),
    };
    let pool = Pool::new(PoolOptions {
        threads: 1,
        isolates_per_thread: 2,
        ..PoolOptions::default()
    })
    .expect("pool");
    let request = |path: &str| WorkerRequest {
        method: Method::GET,
        url: format!("https://site.test{path}"),
        headers: HeaderMap::new(),
        body: bytes::Bytes::new(),
    };
    for (path, status, body) in [
        ("/hello.txt", 200, "hello"),
        ("/by-url", 200, "hello"),
        ("/missing", 404, "Not Found"),
    ] {
        let response = pool.dispatch(&key, request(path)).await.expect("response");
        assert_eq!(response.status, status, "{path}");
        let WorkerBody::Full(bytes) = response.body else {
            panic!("expected a whole body for {path}");
        };
        assert_eq!(&bytes[..], body.as_bytes(), "{path}");
        if path == "/hello.txt" {
            assert!(response.headers.contains_key("etag"));
        }
    }
}

#[test]
fn headers_and_assetsignore_linked_out_are_not_read() {
    let outside = site(&[("rules", "/*\n  X-Leak: CANARY\n"), ("ignore", "ok.txt\n")]);
    let dir = site(&[("ok.txt", "o")]);
    for (name, target) in [("_headers", "rules"), (".assetsignore", "ignore")] {
        std::os::unix::fs::symlink(outside.path().join(target), dir.path().join(name))
            .expect("symlink");
    }
    let a = assets(&dir, HtmlHandling::default(), NotFoundHandling::default());
    let r = get(&a, "/ok.txt").expect("not hidden by the outside .assetsignore");
    assert!(r.headers.get("x-leak").is_none(), "{:?}", r.headers);
}

#[test]
fn an_assets_directory_leaving_the_root_is_refused() {
    let outside = site(&[("secret.txt", "CANARY")]);
    let root = site(&[("public/ok.txt", "o")]);
    std::os::unix::fs::symlink(outside.path(), root.path().join("linked")).expect("symlink");
    let new = |dir: &std::path::Path| {
        Assets::new(
            root.path(),
            dir,
            HtmlHandling::default(),
            NotFoundHandling::default(),
        )
    };
    assert!(new(&root.path().join("public")).is_ok());
    for dir in [
        root.path().join("linked"),
        root.path()
            .join("../")
            .join(outside.path().file_name().expect("name")),
        outside.path().to_path_buf(),
    ] {
        assert!(new(&dir).is_err(), "{} was opened", dir.display());
    }
}

#[test]
fn a_file_swapped_for_a_link_after_the_listing_is_not_read() {
    let big = "x".repeat(300 * 1024);
    let outside = site(&[("secret.bin", &"C".repeat(300 * 1024))]);
    let dir = site(&[("big.bin", &big)]);
    let a = assets(&dir, HtmlHandling::default(), NotFoundHandling::default());
    assert_eq!(get(&a, "/big.bin").expect("listed").body.len(), big.len());
    fs::remove_file(dir.path().join("big.bin")).expect("rm");
    std::os::unix::fs::symlink(
        outside.path().join("secret.bin"),
        dir.path().join("big.bin"),
    )
    .expect("symlink");
    let r = get(&a, "/big.bin");
    assert!(
        r.as_ref().is_none_or(|r| !r.body.contains(&b'C')),
        "read through the link: {:?}",
        r.map(|r| r.status)
    );
}
