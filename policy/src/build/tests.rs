//! Unit tests for validation into the model: defaults, resolution and the shipped examples.

use std::path::{Path, PathBuf};

use super::outbound::{host_pattern, network};
use crate::{Backend, LoadContext, Outbound, PathCase, Policy, Role};

fn idps() -> Vec<String> {
    ["acme-okta", "customers", "dev", "globex-google"]
        .map(String::from)
        .to_vec()
}

fn load(base: &str, text: &str) -> Policy {
    let idps = idps();
    let src = [(PathBuf::from("rbac/acme.toml"), text.to_string())];
    Policy::from_sources(&src, &LoadContext::new(base, &idps)).unwrap_or_else(|d| panic!("{d}"))
}

fn load_errors(base: &str, text: &str) -> Vec<String> {
    let idps = idps();
    let src = [(PathBuf::from("rbac/acme.toml"), text.to_string())];
    match Policy::from_sources(&src, &LoadContext::new(base, &idps)) {
        Ok(_) => Vec::new(),
        Err(d) => d.0.iter().map(|e| e.to_string()).collect(),
    }
}

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/rbac");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    files
}

#[test]
fn shipped_examples_load_together() {
    let files = examples();
    assert!(files.len() >= 3, "{files:?}");
    let idps = idps();
    let p = Policy::load(&files, &LoadContext::new("localhost", &idps))
        .unwrap_or_else(|d| panic!("{d}"));
    let hosts: Vec<&str> = p.hostnames().collect();
    for h in [
        "hello.demo.localhost",
        "team.demo.localhost",
        "admin.demo.localhost",
        "crm.acme.example.com",
    ] {
        assert!(hosts.contains(&h), "{h} in {hosts:?}");
        assert!(p.site_for_host(h).is_some(), "{h}");
    }
    let demo = p.workspace("demo").expect("demo workspace");
    assert_eq!(demo.member_role("ALICE@demo.test"), Some(Role::Owner));
    assert_eq!(demo.member_role("bob@demo.test"), Some(Role::Admin));
    assert_eq!(demo.member_role("carol@demo.test"), Some(Role::Member));
    let hello = p.site_for_host("hello.demo.localhost").expect("hello");
    assert_eq!(hello.access.as_str(), "public");
    assert_eq!(hello.id(), "demo/hello");
    match &hello.backend {
        Backend::Upstream(u) => {
            assert_eq!((u.host.as_str(), u.port, u.tls), ("127.0.0.1", 8781, false))
        }
        b => panic!("{b:?}"),
    }
}

#[test]
fn defaults_fill_in_name_hosts_and_deploy_roles() {
    let p = load(
        "Sites.Example.com",
        "[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\n[sites.crm]\naccess = \"public\"\nbackend = { upstream = \"https://[::1]\" }\n",
    );
    let ws = p.workspace("acme").expect("ws");
    assert_eq!(ws.name, "acme");
    assert_eq!(ws.deploy_roles, [Role::Owner, Role::Admin]);
    let site = p.site("acme/crm").expect("site");
    assert_eq!(site.hosts, ["crm.acme.sites.example.com"]);
    assert!(p.site_for_host("crm.acme.sites.example.com").is_some());
    assert!(
        p.site_for_host("CRM.acme.sites.example.com").is_none(),
        "lookup is exact"
    );
    match &site.backend {
        Backend::Upstream(u) => {
            assert_eq!((u.host.as_str(), u.port, u.tls), ("::1", 443, true));
            assert_eq!(u.authority(), "[::1]:443");
        }
        b => panic!("{b:?}"),
    }
}

#[test]
fn a_deployed_backend_has_no_directory_and_excludes_the_others() {
    let p = load(
        "x.test",
        "[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\n[sites.wiki]\naccess = \"public\"\nbackend = { deployed = true }\n",
    );
    let Backend::Worker(w) = &p.site("acme/wiki").expect("site").backend else {
        panic!("a worker backend");
    };
    assert_eq!(w.dir, None);
    for backend in [
        "{ deployed = true, worker = \"w\" }",
        "{ deployed = false }",
        "{ deployed = true, upstream = \"https://a.example\" }",
    ] {
        let text = format!("[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\n[sites.wiki]\naccess = \"public\"\nbackend = {backend}\n");
        let errors = load_errors("x.test", &text);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("backend needs exactly one of")),
            "{backend}: {errors:?}"
        );
    }
}

#[test]
fn worker_dirs_resolve_relative_to_the_rbac_file() {
    let p = load(
        "x.test",
        "[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\n[sites.wiki]\naccess = \"public\"\nbackend = { worker = \"sites/wiki\" }\n",
    );
    match &p.site("acme/wiki").expect("site").backend {
        Backend::Worker(w) => {
            assert_eq!(w.dir.as_deref(), Some(Path::new("rbac/sites/wiki")));
            assert_eq!(
                w.outbound,
                Outbound::default(),
                "any public host, no private"
            );
        }
        b => panic!("{b:?}"),
    }
}

#[test]
fn a_worker_outbound_table_becomes_canonical_patterns_and_networks() {
    let p = load(
        "x.test",
        "[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\n[sites.shop]\naccess = \"public\"\nbackend = { worker = \"w\" }\n\
         [sites.shop.outbound]\nhosts = [\"API.Example.com\", \"*.Stripe.com\", \"[::1]\", \"10.1.2.3\", \"api.example.com\"]\n\
         private = [\"10.1.2.0/24\", \"127.0.0.1\", \"fd00::/8\"]\n",
    );
    let Backend::Worker(w) = &p.site("acme/shop").expect("site").backend else {
        panic!("a worker");
    };
    assert_eq!(
        w.outbound.hosts.as_deref(),
        Some(&["api.example.com", "*.stripe.com", "::1", "10.1.2.3"].map(String::from)[..])
    );
    let private: Vec<String> = w.outbound.private.iter().map(|n| n.to_string()).collect();
    assert_eq!(private, ["10.1.2.0/24", "127.0.0.1/32", "fd00::/8"]);
}

#[test]
fn an_empty_outbound_hosts_list_allows_no_host() {
    let p = load(
        "x.test",
        "[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\n[sites.s]\naccess = \"public\"\nbackend = { worker = \"w\" }\n\
         outbound = { hosts = [] }\n",
    );
    let Backend::Worker(w) = &p.site("acme/s").expect("site").backend else {
        panic!("a worker");
    };
    assert_eq!(w.outbound.hosts, Some(Vec::new()));
}

#[test]
fn outbound_host_patterns_refuse_misplaced_stars_ports_and_bad_names() {
    for bad in [
        "*",
        "*.",
        "**.example.com",
        "*.*.example.com",
        "api*.example.com",
        "a.*",
        "api.example.com:443",
        "http://api.example.com",
        "[api.example.com]",
        "api..example.com",
        "-api.example.com",
        "",
        "api.example.com.",
        "ex ample.com",
    ] {
        assert!(host_pattern(bad).is_err(), "{bad:?} is refused");
    }
    assert_eq!(host_pattern("localhost").as_deref(), Ok("localhost"));
    assert_eq!(host_pattern("[2001:DB8::1]").as_deref(), Ok("2001:db8::1"));
}

#[test]
fn private_networks_are_addresses_or_cidrs_without_host_bits() {
    assert_eq!(
        network("10.0.0.0/8").map(|n| n.to_string()),
        Ok("10.0.0.0/8".into())
    );
    assert_eq!(network("::1").map(|n| n.to_string()), Ok("::1/128".into()));
    for bad in [
        "10.0.0.1/8",
        "10.0.0.0/33",
        "10.0.0",
        "fd00::1/8",
        "",
        " 10.0.0.0/8",
    ] {
        assert!(network(bad).is_err(), "{bad:?} is refused");
    }
}

#[test]
fn rules_are_kept_most_specific_first_with_method_rules_before_catch_alls() {
    let p = load(
        "x.test",
        "[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\n[sites.s]\naccess = \"public\"\nbackend = { worker = \"w\" }\n\
         [[sites.s.rules]]\npath = \"/*\"\naccess = \"workspace_all\"\n\
         [[sites.s.rules]]\npath = \"/api/*\"\naccess = \"public\"\n\
         [[sites.s.rules]]\npath = \"/api/*\"\nmethods = [\"POST\"]\naccess = \"admins_only\"\n\
         [[sites.s.rules]]\npath = \"/api/v1/*\"\naccess = \"admins_only\"\n",
    );
    let s = p.site("acme/s").expect("site");
    let order: Vec<(&str, usize)> = s
        .rules
        .iter()
        .map(|r| (r.pattern.as_str(), r.methods.len()))
        .collect();
    assert_eq!(
        order,
        [("/api/v1/*", 0), ("/api/*", 1), ("/api/*", 0), ("/*", 0)]
    );
}

const CASE_SITE: &str = "[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\n[sites.s]\naccess = \"public\"\nbackend = { worker = \"w\" }\n";

#[test]
fn sec_29_path_rules_case_is_insensitive_by_default_and_parsed_strictly() {
    let p = load("x.test", CASE_SITE);
    assert_eq!(
        p.site("acme/s").expect("site").path_case,
        PathCase::Insensitive
    );
    let p = load(
        "x.test",
        &format!("{CASE_SITE}path_rules_case = \"sensitive\"\n"),
    );
    assert_eq!(
        p.site("acme/s").expect("site").path_case,
        PathCase::Sensitive
    );
    assert_eq!(
        load_errors("x.test", &format!("{CASE_SITE}path_rules_case = \"Sensitive\"\n")),
        ["rbac/acme.toml:7:19: sites.s.path_rules_case: unknown path_rules_case \"Sensitive\"; expected one of insensitive, sensitive"]
    );
}

#[test]
fn sec_29_rules_that_differ_only_in_case_collide_unless_case_sensitive() {
    let rules = "[[sites.s.rules]]\npath = \"/admin/*\"\naccess = \"admins_only\"\n\
                 [[sites.s.rules]]\npath = \"/Admin/*\"\naccess = \"public\"\n";
    assert_eq!(
        load_errors("x.test", &format!("{CASE_SITE}{rules}")),
        ["rbac/acme.toml:11:8: sites.s.rules[1].path: path rule \"/Admin/*\" can never match: the rule at rbac/acme.toml:8:8 has the same path and methods, and comes first (this site's path rules ignore case; see path_rules_case)"]
    );
    let sensitive = format!("{CASE_SITE}path_rules_case = \"sensitive\"\n{rules}");
    assert_eq!(
        load("x.test", &sensitive)
            .site("acme/s")
            .expect("site")
            .rules
            .len(),
        2
    );
}

#[test]
fn load_reports_unreadable_files_and_problems_in_others_together() {
    let idps = idps();
    let missing = PathBuf::from("/nonexistent/sitegate-test/missing.toml");
    let err = Policy::load(
        std::slice::from_ref(&missing),
        &LoadContext::new("x.test", &idps),
    )
    .expect_err("missing file");
    assert_eq!(err.len(), 1);
    assert_eq!(err.0[0].file, missing);
    assert!(
        err.0[0].message.starts_with("cannot read file:"),
        "{}",
        err.0[0].message
    );
}

#[test]
fn an_empty_policy_has_no_sites() {
    let p = Policy::default();
    assert!(p.site_for_host("anything").is_none());
    assert_eq!(p.sites().count(), 0);
}

#[test]
fn websocket_origins_are_origins_kept_as_browsers_send_them() {
    assert_eq!(
        super::site::origin("https://Partner.Example:443").as_deref(),
        Ok("https://partner.example")
    );
    assert_eq!(
        super::site::origin("http://localhost:8080").as_deref(),
        Ok("http://localhost:8080")
    );
    for bad in [
        "partner.example",
        "wss://partner.example",
        "https://partner.example/",
        "https://partner.example/app",
        "https://partner.example?x=1",
        "https://user@partner.example",
        "null",
    ] {
        assert!(super::site::origin(bad).is_err(), "{bad}");
    }
}
