//! Criterion benchmark: `decide` over a snapshot of 10,000 sites and 100,000 members, and
//! the time to build that snapshot from its TOML sources.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use policy::{
    decide, normalize_path, LoadContext, NormalizedPath, Policy, Principal, UserPrincipal,
};

const WORKSPACES: usize = 100;
const SITES_PER_WS: usize = 100;
const MEMBERS_PER_WS: usize = 1_000;
const MODES: [&str; 4] = ["admins_only", "workspace_all", "custom", "public"];

/// One RBAC file per workspace: 1,000 members, 5 groups, 100 sites with two path rules.
fn sources() -> Vec<(PathBuf, String)> {
    (0..WORKSPACES)
        .map(|w| {
            let mut t = String::new();
            let _ = writeln!(t, "[workspace]\nid = \"ws{w}\"\nidp = \"idp{}\"", w % 10);
            let _ = writeln!(t, "email_domains = [\"ws{w}.example\"]\n[members]");
            for m in 0..MEMBERS_PER_WS {
                let role = ["owner", "admin", "member", "member", "member"][m % 5];
                let _ = writeln!(t, "\"user{m}@corp{w}.example\" = \"{role}\"");
            }
            for g in 0..5 {
                let members: Vec<String> =
                    (0..20).map(|i| format!("\"user{}@corp{w}.example\"", g * 20 + i)).collect();
                let _ = writeln!(t, "[groups.g{g}]\nmembers = [{}]\nidp_groups = [\"claim{g}\"]", members.join(", "));
            }
            for s in 0..SITES_PER_WS {
                let mode = MODES[s % 4];
                let _ = writeln!(t, "[sites.s{w}x{s}]\naccess = \"{mode}\"\nbackend = {{ upstream = \"http://10.0.{w}.{s}:8080\" }}");
                if mode == "custom" {
                    let _ = writeln!(t, "allow = {{ groups = [\"g{}\"], users = [\"user7@corp{w}.example\"], roles = [\"admin\"], email_domains = [\"partner.example\"] }}", s % 5);
                }
                let _ = writeln!(t, "[[sites.s{w}x{s}.rules]]\npath = \"/admin/*\"\naccess = \"admins_only\"");
                let _ = writeln!(t, "[[sites.s{w}x{s}.rules]]\npath = \"/api/public/*\"\naccess = \"public\"");
            }
            (PathBuf::from(format!("rbac/ws{w}.toml")), t)
        })
        .collect()
}

fn idps() -> Vec<String> {
    (0..10).map(|i| format!("idp{i}")).collect()
}

fn build(sources: &[(PathBuf, String)]) -> Policy {
    let idps = idps();
    match Policy::from_sources(sources, &LoadContext::new("bench.example", &idps)) {
        Ok(p) => p,
        Err(d) => panic!("bench snapshot must load: {d}"),
    }
}

/// A spread of (host, principal, path) requests over the whole snapshot.
fn requests(p: &Policy) -> Vec<(String, Principal, NormalizedPath)> {
    let hosts: Vec<String> = p.hostnames().map(String::from).collect();
    let paths = ["/", "/admin/users", "/api/public/items", "/docs/../admin/x"];
    (0..4096usize)
        .map(|i| {
            let host = hosts[(i * 7919) % hosts.len()].clone();
            let w = host
                .split('.')
                .nth(1)
                .and_then(|l| l.strip_prefix("ws"))
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            // Mostly members of the right workspace, some strangers and idp-group users.
            let (idp, email, groups) = match i % 4 {
                0 | 1 => (
                    w % 10,
                    format!("user{}@corp{w}.example", (i * 31) % MEMBERS_PER_WS),
                    vec![],
                ),
                2 => (
                    w % 10,
                    format!("nobody{i}@ws{w}.example"),
                    vec![format!("claim{}", i % 5)],
                ),
                _ => ((w + 1) % 10, format!("user{i}@elsewhere.example"), vec![]),
            };
            let who = Principal::User(UserPrincipal {
                idp: format!("idp{idp}"),
                issuer: "https://idp.example".into(),
                subject: format!("sub{i}"),
                email: Some(email),
                email_verified: true,
                name: None,
                idp_groups: groups,
            });
            let path = normalize_path(paths[i % paths.len()]).unwrap_or_else(|e| panic!("{e}"));
            (host, who, path)
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let src = sources();
    let policy = build(&src);
    assert_eq!(policy.sites().count(), WORKSPACES * SITES_PER_WS);
    let members: usize = policy.workspaces().map(|w| w.members().count()).sum();
    assert_eq!(members, WORKSPACES * MEMBERS_PER_WS);
    let reqs = requests(&policy);
    let resolved: Vec<_> = reqs
        .iter()
        .map(|(h, who, path)| {
            (
                policy
                    .site_for_host(h)
                    .cloned()
                    .unwrap_or_else(|| panic!("{h}")),
                who,
                path,
            )
        })
        .collect();
    let allowed = resolved
        .iter()
        .filter(|(s, w, p)| decide(s, Some(w), "GET", p).is_allowed())
        .count();
    eprintln!(
        "snapshot: {} sites, {members} members; {allowed}/{} sample requests allowed",
        WORKSPACES * SITES_PER_WS,
        resolved.len()
    );

    let mut i = 0usize;
    c.bench_function("decide (10k sites, 100k members)", |b| {
        b.iter(|| {
            i = (i + 1) % resolved.len();
            let (site, who, path) = &resolved[i];
            black_box(decide(site, Some(who), "GET", path))
        })
    });

    // The same decisions over 16 requests only: the CPU cost with a warm cache.
    let mut k = 0usize;
    c.bench_function("decide, 16 hot requests", |b| {
        b.iter(|| {
            k = (k + 1) % 16;
            let (site, who, path) = &resolved[k];
            black_box(decide(site, Some(who), "GET", path))
        })
    });

    let mut j = 0usize;
    c.bench_function("host lookup + normalize_path + decide", |b| {
        b.iter(|| {
            j = (j + 1) % reqs.len();
            let (host, who, raw) = &reqs[j];
            let site = policy.site_for_host(black_box(host));
            let path = normalize_path(black_box(raw.as_str()));
            match (site, path) {
                (Some(s), Ok(p)) => black_box(decide(s, Some(who), "POST", &p)).is_allowed(),
                _ => false,
            }
        })
    });

    let mut g = c.benchmark_group("snapshot");
    g.sample_size(10);
    g.bench_function("build from TOML (10k sites, 100k members)", |b| {
        b.iter(|| build(black_box(&src)))
    });
    g.finish();
}

criterion_group!(policy_benches, benches);
criterion_main!(policy_benches);
