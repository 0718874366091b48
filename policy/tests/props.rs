//! Property tests over generated policies: workspace isolation and monotonicity, and no
//! spelling of a path that a lenient backend reads as under `/admin/` slips past its rule.

use std::path::PathBuf;

use policy::{
    decide, normalize_path, LoadContext, PathCase, Policy, Principal, ServicePrincipal,
    UserPrincipal,
};
use proptest::prelude::*;
use proptest::sample::subsequence;

const EMAILS: &[&str] = &[
    "u0@acme.com",
    "u1@acme.com",
    "u2@ext.example",
    "u3@ext.example",
    "p0@partner.com",
    "g0@globex.example",
];
const MODES: &[&str] = &["admins_only", "workspace_all", "custom", "public"];
const ROLES: &[&str] = &["owner", "admin", "member"];
const PATTERNS: &[&str] = &[
    "/admin/*",
    "/admin/team/*",
    "/api/*/public/*",
    "/healthz",
    "/*",
];
const PATHS: &[&str] = &[
    "/",
    "/admin",
    "/admin/x",
    "/admin/team/y",
    "/api/v1/public/z",
    "/healthz",
    "/x/../admin/",
];
const IDPS: &[&str] = &["acme-okta", "customers", "globex-google"];

#[derive(Debug, Clone, Default)]
struct Allow {
    users: Vec<&'static str>,
    groups: Vec<&'static str>,
    roles: Vec<&'static str>,
    domains: Vec<&'static str>,
}

#[derive(Debug, Clone)]
struct Spec {
    domains: Vec<&'static str>,
    members: Vec<(&'static str, &'static str)>,
    groups: Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)>,
    mode: &'static str,
    allow: Allow,
    external: bool,
    rules: Vec<(&'static str, &'static str, Allow)>,
}

fn allow_strategy() -> impl Strategy<Value = Allow> {
    (
        subsequence(EMAILS, 0..3),
        subsequence(&["g0", "g1"][..], 0..2),
        subsequence(ROLES, 0..2),
        subsequence(&["acme.com", "partner.com"][..], 0..2),
    )
        .prop_map(|(users, groups, mut roles, domains)| {
            // `custom` needs an entry; keep the list non-empty in the spec itself so that
            // widening it only ever adds.
            if users.is_empty() && groups.is_empty() && roles.is_empty() && domains.is_empty() {
                roles.push("owner");
            }
            Allow {
                users,
                groups,
                roles,
                domains,
            }
        })
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    (
        subsequence(&["acme.com", "ext.example"][..], 0..2),
        subsequence(EMAILS, 0..5).prop_flat_map(|emails| {
            let n = emails.len();
            (
                Just(emails),
                proptest::collection::vec(proptest::sample::select(ROLES), n),
            )
        }),
        (
            subsequence(EMAILS, 0..3),
            subsequence(&["eng", "ops"][..], 0..2),
        ),
        (subsequence(EMAILS, 0..3), subsequence(&["ops"][..], 0..1)),
        proptest::sample::select(MODES),
        allow_strategy(),
        any::<bool>(),
        proptest::collection::vec(
            (
                proptest::sample::select(PATTERNS),
                proptest::sample::select(MODES),
                allow_strategy(),
            ),
            0..3,
        ),
    )
        .prop_map(
            |(domains, (emails, roles), g0, g1, mode, allow, external, mut rules)| {
                rules.sort_by_key(|r| r.0);
                rules.dedup_by_key(|r| r.0);
                Spec {
                    domains,
                    members: emails.into_iter().zip(roles).collect(),
                    groups: vec![("g0", g0.0, g0.1), ("g1", g1.0, g1.1)],
                    mode,
                    allow,
                    external,
                    rules,
                }
            },
        )
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

fn access(mode: &str, allow: &Allow) -> String {
    if mode != "custom" {
        return format!("access = {mode:?}\n");
    }
    let a = allow;
    format!(
        "access = \"custom\"\nallow = {{ users = {}, groups = {}, roles = {}, email_domains = {} }}\n",
        list(&a.users),
        list(&a.groups),
        list(&a.roles),
        list(&a.domains)
    )
}

impl Spec {
    fn render(&self) -> String {
        let mut t = format!(
            "[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\nemail_domains = {}\n[members]\n",
            list(&self.domains)
        );
        for (e, r) in &self.members {
            t += &format!("{e:?} = {r:?}\n");
        }
        for (name, members, claims) in &self.groups {
            t += &format!(
                "[groups.{name}]\nmembers = {}\nidp_groups = {}\n",
                list(members),
                list(claims)
            );
        }
        t += "[sites.s]\nbackend = { worker = \"w\" }\n";
        t += &access(self.mode, &self.allow);
        if self.external {
            t += "external_idps = [\"customers\"]\n";
        }
        for (path, mode, allow) in &self.rules {
            t += &format!(
                "[[sites.s.rules]]\npath = {path:?}\n{}",
                access(mode, allow)
            );
        }
        t
    }

    fn load(&self) -> Policy {
        let globex = "[workspace]\nid = \"globex\"\nidp = \"globex-google\"\nemail_domains = [\"globex.example\"]\n\
                      [members]\n\"g0@globex.example\" = \"owner\"\n";
        let idps: Vec<String> = IDPS.iter().map(|s| s.to_string()).collect();
        let src = [
            (PathBuf::from("acme.toml"), self.render()),
            (PathBuf::from("globex.toml"), globex.to_string()),
        ];
        Policy::from_sources(&src, &LoadContext::new("x.test", &idps))
            .unwrap_or_else(|d| panic!("generated policy must load:\n{d}\n{}", self.render()))
    }
}

fn principal_strategy() -> impl Strategy<Value = Option<Principal>> {
    let user = (
        proptest::sample::select(IDPS),
        proptest::sample::select(EMAILS),
        any::<bool>(),
        any::<bool>(),
        subsequence(&["eng", "ops", "x"][..], 0..2),
    )
        .prop_map(|(idp, email, verified, upper, groups)| {
            let email = if upper {
                email.to_uppercase()
            } else {
                email.to_string()
            };
            Some(Principal::User(UserPrincipal {
                idp: idp.into(),
                email: Some(email),
                email_verified: verified,
                idp_groups: groups.iter().map(|g| g.to_string()).collect(),
                ..UserPrincipal::default()
            }))
        });
    let service = (
        proptest::sample::select(&["acme", "globex"][..]),
        subsequence(&["s", "t"][..], 0..2),
    )
        .prop_map(|(ws, sites)| {
            Some(Principal::Service(ServicePrincipal {
                workspace: ws.into(),
                sites: sites.iter().map(|s| s.to_string()).collect(),
                token_id: "t".into(),
            }))
        });
    prop_oneof![4 => user, 1 => service, 1 => Just(None)]
}

/// Every (path, method) decision of `p` for `who` on acme/s: true where allowed.
fn allowed(p: &Policy, who: &Option<Principal>) -> Vec<bool> {
    let site = p.site("acme/s").expect("site");
    let mut out = Vec::new();
    for path in PATHS {
        let np = normalize_path(path).expect("path");
        for method in ["GET", "POST"] {
            out.push(decide(site, who.as_ref(), method, &np).is_allowed());
        }
    }
    out
}

/// Every kind of principal the generators know, for the monotonicity properties.
fn everyone() -> Vec<Option<Principal>> {
    let mut all = vec![None];
    for idp in IDPS {
        for email in EMAILS {
            for verified in [true, false] {
                for groups in [&[][..], &["eng"][..], &["ops"][..]] {
                    all.push(Some(Principal::User(UserPrincipal {
                        idp: idp.to_string(),
                        email: Some(email.to_string()),
                        email_verified: verified,
                        idp_groups: groups.iter().map(|g| g.to_string()).collect(),
                        ..UserPrincipal::default()
                    })));
                }
            }
        }
    }
    for ws in ["acme", "globex"] {
        for sites in [&["s"][..], &["t"][..]] {
            all.push(Some(Principal::Service(ServicePrincipal {
                workspace: ws.into(),
                sites: sites.iter().map(|s| s.to_string()).collect(),
                token_id: "t".into(),
            })));
        }
    }
    all
}

/// `allowed` for every principal of `everyone()`, concatenated.
fn allowed_all(p: &Policy) -> Vec<bool> {
    everyone().iter().flat_map(|who| allowed(p, who)).collect()
}

fn implies(a: &[bool], b: &[bool]) -> bool {
    a.iter().zip(b).all(|(x, y)| !*x || *y)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn another_workspaces_principal_never_gets_a_non_public_site(spec in spec_strategy(), who in principal_strategy()) {
        let foreign = match &who {
            Some(Principal::Service(s)) => s.workspace == "globex",
            Some(Principal::User(u)) => u.idp == "globex-google",
            None => false,
        };
        prop_assume!(foreign);
        let p = spec.load();
        let site = p.site("acme/s").expect("site");
        for path in PATHS {
            let np = normalize_path(path).expect("path");
            let public = matches!(
                site.access_for("GET", &np, site.path_case),
                policy::AccessMode::Public
            );
            let d = decide(site, who.as_ref(), "GET", &np);
            prop_assert!(public || !d.is_allowed(), "{path}: {d:?}");
        }
    }

    #[test]
    fn adding_an_allow_entry_never_removes_access(
        spec in spec_strategy(),
        extra in allow_strategy(),
        target in 0usize..4,
    ) {
        let mut more = spec.clone();
        let widen = |a: &mut Allow| {
            a.users.extend(extra.users.iter().copied());
            a.groups.extend(extra.groups.iter().copied());
            a.roles.extend(extra.roles.iter().copied());
            a.domains.extend(extra.domains.iter().copied());
        };
        match more.rules.get_mut(target) {
            Some(rule) => widen(&mut rule.2),
            None => widen(&mut more.allow),
        }
        let before = allowed_all(&spec.load());
        let after = allowed_all(&more.load());
        prop_assert!(implies(&before, &after), "access lost after widening:\n{}", more.render());
    }

    #[test]
    fn removing_a_member_never_adds_access(
        spec in spec_strategy(),
        pick in any::<proptest::sample::Index>(),
    ) {
        let mut fewer = spec.clone();
        let total = spec.members.len() + spec.groups.iter().map(|g| g.1.len()).sum::<usize>();
        prop_assume!(total > 0);
        let mut i = pick.index(total);
        if i < fewer.members.len() {
            fewer.members.remove(i);
        } else {
            i -= fewer.members.len();
            for g in &mut fewer.groups {
                if i < g.1.len() {
                    g.1.remove(i);
                    break;
                }
                i -= g.1.len();
            }
        }
        let before = allowed_all(&spec.load());
        let after = allowed_all(&fewer.load());
        prop_assert!(implies(&after, &before), "access gained after removal:\n{}", fewer.render());
    }
}

/// Pieces of path segments: the rule's own segment in the spellings backends fold into it,
/// its neighbours, and dot segments in the spellings they resolve from.
const PIECES: &[&str] = &[
    "admin",
    "ADMIN",
    "Admin",
    "%61dmin",
    "%41DMIN",
    "%2561dmin",
    "%252561dmin",
    "admin;",
    "admin;x=1",
    "admin..;",
    "admin.",
    "admin..",
    "admin%2e",
    "admin%20",
    "admin%20.",
    "admin ",
    "admin%3F",
    "admin%3f",
    "admin%23",
    "admin%3B",
    "public",
    "x",
    "..",
    "..;",
    ".",
    "%2e%2e",
    "%2e%2e;",
    ".%2e",
    "%252e%252e",
    ";",
    "",
    "x.",
    "x%20",
];

/// One percent-decoding pass, as a backend does it (bytes that do not decode stay).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).and_then(|&c| hex(c)),
            b.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How a lenient backend reads a raw path: decoded twice (a proxy or framework that decodes
/// again), cut at a decoded `?` or `#`, each segment without its `;` parameters (servlet
/// containers, Spring) and trailing dots and spaces (Windows, IIS), in lower case (a
/// case-insensitive file system), then dot segments resolved.
fn lenient_reading(raw: &str) -> String {
    let twice = percent_decode(&percent_decode(raw));
    let path = twice.split(['?', '#']).next().unwrap_or_default();
    let mut segs: Vec<String> = Vec::new();
    for seg in path.split('/') {
        let seg = seg.split(';').next().unwrap_or_default();
        let seg = match seg {
            "." | ".." => seg,
            _ => seg.trim_end_matches(['.', ' ']),
        };
        match seg {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s.to_ascii_lowercase()),
        }
    }
    format!("/{}", segs.join("/"))
}

fn rules_policy(mode: &str) -> Policy {
    let text = format!(
        "[workspace]\nid = \"acme\"\nidp = \"acme-okta\"\n[members]\n\"boss@acme.com\" = \"owner\"\n\"bob@acme.com\" = \"member\"\n\
         [sites.s]\naccess = {mode:?}\nbackend = {{ worker = \"w\" }}\n\
         [[sites.s.rules]]\npath = \"/admin/*\"\naccess = \"admins_only\"\n\
         [[sites.s.rules]]\npath = \"/public/*\"\naccess = \"public\"\n"
    );
    let idps: Vec<String> = IDPS.iter().map(|s| s.to_string()).collect();
    let src = [(PathBuf::from("acme.toml"), text)];
    Policy::from_sources(&src, &LoadContext::new("x.test", &idps))
        .unwrap_or_else(|d| panic!("policy must load:\n{d}"))
}

fn non_admin_strategy() -> impl Strategy<Value = Option<Principal>> {
    let person = |email: &str, idp: &str| {
        Some(Principal::User(UserPrincipal {
            idp: idp.into(),
            email: Some(email.into()),
            email_verified: true,
            ..UserPrincipal::default()
        }))
    };
    proptest::sample::select(vec![
        None,
        person("bob@acme.com", "acme-okta"),
        person("stranger@ext.example", "acme-okta"),
        person("boss@acme.com", "customers"),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2048,
        max_global_rejects: 1 << 20,
        ..ProptestConfig::default()
    })]

    #[test]
    fn sec_29_ignoring_case_never_gives_a_path_more_than_its_exact_spelling_gets(
        spec in spec_strategy(),
        who in principal_strategy(),
        path in proptest::sample::select(PATHS),
        upper in proptest::collection::vec(any::<bool>(), 16),
    ) {
        let p = spec.load();
        let site = p.site("acme/s").expect("site");
        let mut exact = policy::Site::clone(site);
        exact.path_case = PathCase::Sensitive;
        let mixed: String = path
            .chars()
            .zip(upper.iter().cycle())
            .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
            .collect();
        let np = normalize_path(&mixed).expect("path");
        let d = decide(site, who.as_ref(), "GET", &np);
        prop_assert!(
            !d.is_allowed() || decide(&exact, who.as_ref(), "GET", &np).is_allowed(),
            "{mixed}: {d:?}"
        );
    }

    #[test]
    fn sec_29_no_spelling_a_lenient_backend_reads_as_admin_is_allowed_for_a_non_admin(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 1..5),
        tail in proptest::sample::select(&["", "/", "/x", "/x/y"][..]),
        mode in proptest::sample::select(&["public", "workspace_all"][..]),
        who in non_admin_strategy(),
    ) {
        // The backend gets the normalized path (a raw path that does not normalize is a 400).
        let raw = format!("/{}{tail}", pieces.join("/"));
        let Ok(path) = normalize_path(&raw) else {
            return Ok(());
        };
        let reading = lenient_reading(path.as_str());
        prop_assume!(reading == "/admin" || reading.starts_with("/admin/"));
        let p = rules_policy(mode);
        let d = decide(p.site("acme/s").expect("site"), who.as_ref(), "GET", &path);
        prop_assert!(!d.is_allowed(), "{raw} (sent as {path}, read as {reading}): {d:?}");
    }
}
