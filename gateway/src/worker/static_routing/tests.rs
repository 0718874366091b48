//! `run_worker_first` routing: defaults, `true`, and pattern lists with `!` exclusions.

use super::{matches, Route, StaticRouting};

fn rules(patterns: &[&str]) -> StaticRouting {
    let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
    StaticRouting::rules(&patterns).expect("valid rules")
}

#[test]
fn star_matches_any_run_of_characters_and_the_whole_path_must_match() {
    assert!(matches("/*", "/"));
    assert!(matches("/*", "/a/b/c"));
    assert!(matches("/api/*", "/api/x/y"));
    assert!(!matches("/api/*", "/api"));
    assert!(matches("/bookshelf", "/bookshelf"));
    assert!(!matches("/bookshelf", "/bookshelf/"));
    assert!(matches("/*/_next/static/*", "/base/_next/static/a.js"));
    assert!(!matches("/*/_next/static/*", "/_next/static/a.js"));
    assert!(matches("/*.js", "/a/b.js"));
    assert!(!matches("/*.js", "/a/b.json"));
    assert!(matches("/a*b*c", "/abbc"));
    assert!(!matches("/a*bc*bc", "/abc"));
}

#[test]
fn defaults_and_true() {
    assert_eq!(StaticRouting::default().route("/x"), Route::AssetThenWorker);
    assert_eq!(StaticRouting::WorkerFirst.route("/x"), Route::Worker);
}

#[test]
fn exclusions_win_over_worker_patterns_and_the_rest_is_assets_first() {
    // What `vinext init` writes for a Cloudflare app.
    let vinext = rules(&["/*", "!/_next/static/*", "!/*/_next/static/*"]);
    assert_eq!(vinext.route("/"), Route::Worker);
    assert_eq!(vinext.route("/robots.txt"), Route::Worker);
    assert_eq!(vinext.route("/_next/static/chunks/a.js"), Route::Assets);
    assert_eq!(vinext.route("/docs/_next/static/a.css"), Route::Assets);
    let api = rules(&["/api/*", "!/api/docs/*"]);
    assert_eq!(api.route("/api/users"), Route::Worker);
    assert_eq!(api.route("/api/docs/index.html"), Route::Assets);
    assert_eq!(api.route("/index.html"), Route::AssetThenWorker);
}

#[test]
fn lists_wrangler_refuses_are_refused() {
    let refused = |patterns: &[&str]| {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        StaticRouting::rules(&patterns).expect_err("refused")
    };
    assert!(refused(&[]).contains("at least one"));
    assert!(refused(&["!/assets/*"]).contains("without `!`"));
    assert!(refused(&["/api/*", "static/*"]).contains("\"static/*\""));
}
