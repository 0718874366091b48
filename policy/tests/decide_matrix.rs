//! Table-driven decisions: every access mode × every kind of principal × path rules.

mod common;

use policy::{
    decide, normalize_path, Decision, DenyReason, Grant, Policy, Principal, Role, ServicePrincipal,
    UserPrincipal,
};

fn policy() -> Policy {
    common::load_fixtures("valid", &["matrix_acme.toml", "matrix_globex.toml"])
        .unwrap_or_else(|d| panic!("fixtures must load:\n{d}"))
}

fn user(idp: &str, email: &str, verified: bool, groups: &[&str]) -> Option<Principal> {
    Some(Principal::User(UserPrincipal {
        idp: idp.into(),
        issuer: format!("https://{idp}.example"),
        subject: email.into(),
        email: Some(email.into()),
        email_verified: verified,
        name: None,
        idp_groups: groups.iter().map(|g| g.to_string()).collect(),
    }))
}

fn token(workspace: &str, sites: &[&str]) -> Option<Principal> {
    Some(Principal::Service(ServicePrincipal {
        workspace: workspace.into(),
        sites: sites.iter().map(|s| s.to_string()).collect(),
        token_id: "tok_1".into(),
    }))
}

/// The principals, in the column order of `ROWS`.
fn personas() -> Vec<(&'static str, Option<Principal>)> {
    let all = ["adm", "all", "cus", "pub"];
    vec![
        ("owner", user("acme-okta", "OWNER@acme.com", true, &[])),
        ("admin", user("acme-okta", "admin@acme.com", true, &[])),
        ("member", user("acme-okta", "member@ext.example", true, &[])),
        ("domain", user("acme-okta", "dom@acme.com", true, &[])),
        ("group", user("acme-okta", "grp@ext.example", true, &[])),
        (
            "idpgroup",
            user("acme-okta", "x@ext.example", true, &["eng"]),
        ),
        (
            "other-ws",
            user("globex-google", "hank@globex.example", true, &[]),
        ),
        ("forged", user("globex-google", "owner@acme.com", true, &[])),
        ("token", token("acme", &all)),
        ("token-unscoped", token("acme", &["elsewhere"])),
        ("token-other-ws", token("globex", &all)),
        ("anonymous", None),
        (
            "unverified",
            user("acme-okta", "owner@acme.com", false, &[]),
        ),
        (
            "partner",
            user("customers", "partner@partner.com", true, &[]),
        ),
    ]
}

/// site, path, expected outcome per persona (A allow, L sign in, or a deny reason).
const ROWS: &[(&str, &str, &str)] = &[
    // admins_only: owners and admins.
    ("adm", "/", "A A WR WR WR WR IDP IDP A TS OW L EV IDP"),
    (
        "adm",
        "/admin/x",
        "A A WR WR WR WR IDP IDP A TS OW L EV IDP",
    ),
    (
        "adm",
        "/admin/team/x",
        "A A A A A A IDP IDP A TS OW L EV IDP",
    ),
    ("adm", "/public/x", "A A A A A A A A A A A A A A"),
    // workspace_all: every kind of member.
    ("all", "/", "A A A A A A IDP IDP A TS OW L EV IDP"),
    ("all", "/admin", "A A WR WR WR WR IDP IDP A TS OW L EV IDP"),
    (
        "all",
        "/admin/team/",
        "A A A A A A IDP IDP A TS OW L EV IDP",
    ),
    ("all", "/public/", "A A A A A A A A A A A A A A"),
    // custom: group eng (explicit or mapped) and one partner user via the external IdP.
    ("cus", "/", "NA NA NA NA A A IDP IDP A TS OW L EV A"),
    ("cus", "/admin/x", "A A WR WR WR WR IDP IDP A TS OW L EV NM"),
    (
        "cus",
        "/admin/team/x",
        "A A A A A A IDP IDP A TS OW L EV NM",
    ),
    ("cus", "/public/x", "A A A A A A A A A A A A A A"),
    // public: everyone, except where a rule says otherwise.
    ("pub", "/", "A A A A A A A A A A A A A A"),
    (
        "pub",
        "/admin/x",
        "A A WR WR WR WR IDP IDP A TS OW L EV IDP",
    ),
    (
        "pub",
        "/admin/team/x",
        "A A A A A A IDP IDP A TS OW L EV IDP",
    ),
    ("pub", "/public/x", "A A A A A A A A A A A A A A"),
    // Rules ignore case, and spellings backends read as another path are refused.
    (
        "pub",
        "/ADMIN/x",
        "A A WR WR WR WR IDP IDP A TS OW L EV IDP",
    ),
    (
        "pub",
        "/public/..;/admin/x",
        "400 400 400 400 400 400 400 400 400 400 400 400 400 400",
    ),
];

fn code(d: &Decision) -> &'static str {
    match d {
        Decision::Allow(_) => "A",
        Decision::RequireLogin => "L",
        Decision::Deny(r) => match r {
            DenyReason::NotAMember => "NM",
            DenyReason::WrongRole => "WR",
            DenyReason::NotOnAllowList => "NA",
            DenyReason::OtherWorkspace => "OW",
            DenyReason::IdpNotAccepted => "IDP",
            DenyReason::TokenNotScopedToSite => "TS",
            DenyReason::EmailNotVerified => "EV",
            DenyReason::TokenOnPreview => "PV",
        },
        Decision::BadPath(_) => "400",
    }
}

#[test]
fn decision_matrix() {
    let p = policy();
    let people = personas();
    let mut failures = Vec::new();
    for (site, path, expected) in ROWS {
        let s = p.site(&format!("acme/{site}")).expect("site exists");
        let np = normalize_path(path).expect("valid path");
        let want: Vec<&str> = expected.split_whitespace().collect();
        assert_eq!(want.len(), people.len(), "row {site} {path}");
        for ((who, principal), want) in people.iter().zip(want) {
            let got = code(&decide(s, principal.as_ref(), "GET", &np));
            if got != want {
                failures.push(format!("{site} {path} {who}: got {got}, want {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn allowed_carries_the_resolved_role_and_grant() {
    let p = policy();
    let all = p.site("acme/all").expect("site");
    let root = normalize_path("/").expect("path");
    let expect = [
        ("owner", Some(Role::Owner)),
        ("admin", Some(Role::Admin)),
        ("member", Some(Role::Member)),
        ("domain", Some(Role::Member)),
        ("idpgroup", Some(Role::Member)),
        ("token", None),
    ];
    let people = personas();
    for (who, role) in expect {
        let principal = people
            .iter()
            .find(|(n, _)| *n == who)
            .and_then(|(_, p)| p.as_ref());
        match decide(all, principal, "GET", &root) {
            Decision::Allow(a) => assert_eq!(a.role, role, "{who}"),
            d => panic!("{who}: {d:?}"),
        }
    }
    let cus = p.site("acme/cus").expect("site");
    let partner = people
        .iter()
        .find(|(n, _)| *n == "partner")
        .and_then(|(_, p)| p.as_ref());
    match decide(cus, partner, "GET", &root) {
        Decision::Allow(a) => assert_eq!((a.role, a.grant), (None, Grant::AllowedUser)),
        d => panic!("partner: {d:?}"),
    }
}

#[test]
fn method_rules_apply_only_to_their_methods_and_get_covers_head() {
    let p = policy();
    let s = p.site("acme/pub").expect("site");
    let path = normalize_path("/api/items").expect("path");
    let member = user("acme-okta", "dom@acme.com", true, &[]);
    assert!(decide(s, None, "GET", &path).is_allowed());
    assert!(decide(s, None, "HEAD", &path).is_allowed());
    assert_eq!(decide(s, None, "POST", &path), Decision::RequireLogin);
    assert!(decide(s, member.as_ref(), "POST", &path).is_allowed());
}

#[test]
fn acme_people_and_tokens_never_open_globex_sites() {
    let p = policy();
    let ledger = p.site("globex/ledger").expect("site");
    let root = normalize_path("/").expect("path");
    let acme_side = personas()
        .into_iter()
        .filter(|(who, _)| !matches!(*who, "other-ws" | "forged" | "token-other-ws"));
    for (who, principal) in acme_side {
        let d = decide(ledger, principal.as_ref(), "GET", &root);
        assert!(!d.is_allowed(), "{who} got into globex/ledger: {d:?}");
    }
}
