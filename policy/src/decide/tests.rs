//! Unit tests for decisions: email rules, tokens, reloads, headers and reasons.

use std::path::PathBuf;

use crate::{
    decide, normalize_path, Decision, DenyReason, LoadContext, MemberSource, NormalizedPath,
    Policy, Principal, Role, ServicePrincipal, UserPrincipal,
};

const ACME: &str = r#"
[workspace]
id = "acme"
idp = "acme-okta"
email_domains = ["acme.com"]

[members]
"alice@acme.com" = "owner"
"erin@contractors.example" = "member"

[groups.eng]
members = ["carol@acme.com"]
idp_groups = ["eng"]

[sites.team]
access = "workspace_all"
backend = { worker = "w" }

[sites.partners]
access = "custom"
allow = { email_domains = ["partner.com"], roles = ["admin"] }
external_idps = ["customers"]
backend = { worker = "w" }

[sites.www]
access = "public"
backend = { worker = "w" }
"#;

fn load_with(text: &str, trusted: &[String]) -> Policy {
    let idps: Vec<String> = ["acme-okta", "customers", "entra"]
        .map(String::from)
        .to_vec();
    let ctx = LoadContext {
        base_domain: "x.test",
        idps: &idps,
        email_trusted_idps: trusted,
    };
    let src = [(PathBuf::from("acme.toml"), text.to_string())];
    Policy::from_sources(&src, &ctx).unwrap_or_else(|d| panic!("{d}"))
}

fn user(idp: &str, email: &str, verified: bool) -> Principal {
    Principal::User(UserPrincipal {
        idp: idp.into(),
        email: Some(email.into()),
        email_verified: verified,
        ..UserPrincipal::default()
    })
}

fn on(p: &Policy, site: &str, who: &Principal) -> Decision {
    on_path(p, site, who, &normalize_path("/").expect("path"))
}

fn on_path(p: &Policy, site: &str, who: &Principal, path: &NormalizedPath) -> Decision {
    decide(p.site(site).expect("site"), Some(who), "GET", path)
}

#[test]
fn sec_13_unverified_email_never_counts_unless_the_idp_is_trusted_for_email() {
    let p = load_with(ACME, &[]);
    let alice = user("acme-okta", "alice@acme.com", false);
    assert_eq!(
        on(&p, "acme/team", &alice),
        Decision::Deny(DenyReason::EmailNotVerified)
    );
    let partner = user("customers", "pat@partner.com", false);
    assert_eq!(
        on(&p, "acme/partners", &partner),
        Decision::Deny(DenyReason::EmailNotVerified)
    );

    let p = load_with(ACME, &["acme-okta".to_string()]);
    assert!(on(&p, "acme/team", &alice).is_allowed());
    assert_eq!(
        on(&p, "acme/partners", &partner),
        Decision::Deny(DenyReason::EmailNotVerified)
    );
}

#[test]
fn sec_13_emails_compare_case_insensitively() {
    let p = load_with(ACME, &[]);
    assert!(on(&p, "acme/team", &user("acme-okta", "ALICE@Acme.Com", true)).is_allowed());
    assert!(on(
        &p,
        "acme/team",
        &user("acme-okta", "Erin@CONTRACTORS.example", true)
    )
    .is_allowed());
    assert!(on(
        &p,
        "acme/partners",
        &user("customers", "Pat@Partner.COM", true)
    )
    .is_allowed());
}

#[test]
fn sec_13_malformed_and_lookalike_emails_never_match_a_domain_rule() {
    let p = load_with(ACME, &[]);
    for email in [
        "a@b@acme.com",
        "\"x@partner.com\"@evil.com",
        "\"pat\"@partner.com",
        "pat@partner.com@evil.com",
        "pat@pаrtner.com", // Cyrillic а
        "pat@partner.com.evil.com",
        "pat@evil-partner.com",
        "pat@sub.partner.com",
    ] {
        let d = on(&p, "acme/partners", &user("customers", email, true));
        assert!(!d.is_allowed(), "{email}: {d:?}");
        let d = on(
            &p,
            "acme/team",
            &user("acme-okta", &email.replace("partner.com", "acme.com"), true),
        );
        assert!(!d.is_allowed(), "{email} as acme: {d:?}");
    }
}

#[test]
fn sec_13_workspace_roles_come_only_through_the_workspace_idp() {
    let p = load_with(ACME, &[]);
    // The customer IdP vouches for alice's address, but roles need the workspace IdP.
    let alice_via_customers = user("customers", "alice@acme.com", true);
    assert_eq!(
        on(&p, "acme/partners", &alice_via_customers),
        Decision::Deny(DenyReason::NotOnAllowList)
    );
    assert_eq!(
        on(&p, "acme/team", &alice_via_customers),
        Decision::Deny(DenyReason::IdpNotAccepted)
    );
    let alice = user("acme-okta", "alice@acme.com", true);
    assert!(
        on(&p, "acme/partners", &alice).is_allowed(),
        "owner >= admin"
    );
}

#[test]
fn sec_17_service_tokens_are_scoped_to_one_workspace_and_named_sites() {
    let p = load_with(ACME, &[]);
    let tok = |ws: &str, sites: &[&str]| {
        Principal::Service(ServicePrincipal {
            workspace: ws.into(),
            sites: sites.iter().map(|s| s.to_string()).collect(),
            token_id: "t".into(),
        })
    };
    assert!(on(&p, "acme/team", &tok("acme", &["team"])).is_allowed());
    assert_eq!(
        on(&p, "acme/team", &tok("acme", &["partners"])),
        Decision::Deny(DenyReason::TokenNotScopedToSite)
    );
    assert_eq!(
        on(&p, "acme/team", &tok("acme", &["TEAM", "team "])),
        Decision::Deny(DenyReason::TokenNotScopedToSite)
    );
    assert_eq!(
        on(&p, "acme/team", &tok("globex", &["team"])),
        Decision::Deny(DenyReason::OtherWorkspace)
    );
    assert_eq!(
        on(&p, "acme/team", &tok("", &["team"])),
        Decision::Deny(DenyReason::OtherWorkspace)
    );
}

#[test]
fn sec_31_service_tokens_never_open_a_preview() {
    let p = load_with(ACME, &[]);
    let team = p.site("acme/team").expect("site");
    let preview = team.preview("3fa09c1b", Some("carol@acme.com"));
    let root = normalize_path("/").expect("path");
    let token = Principal::Service(ServicePrincipal {
        workspace: "acme".into(),
        sites: vec!["team".into()],
        token_id: "t".into(),
    });
    assert!(decide(team, Some(&token), "GET", &root).is_allowed());
    assert_eq!(
        decide(&preview, Some(&token), "GET", &root),
        Decision::Deny(DenyReason::TokenOnPreview)
    );
    let alice = user("acme-okta", "alice@acme.com", true);
    assert!(decide(&preview, Some(&alice), "GET", &root).is_allowed());
    let carol = user("acme-okta", "carol@acme.com", true);
    assert!(decide(&preview, Some(&carol), "GET", &root).is_allowed());
}

const RULES: &str = r#"
[workspace]
id = "acme"
idp = "acme-okta"

[members]
"alice@acme.com" = "owner"
"bob@acme.com" = "member"

[sites.shop]
access = "public"
backend = { worker = "w" }

[[sites.shop.rules]]
path = "/admin/*"
access = "admins_only"

[[sites.shop.rules]]
path = "/public/*"
access = "public"

[sites.team]
access = "workspace_all"
backend = { worker = "w" }

[[sites.team.rules]]
path = "/public/*"
access = "public"

[sites.strict]
access = "public"
path_rules_case = "sensitive"
backend = { worker = "w" }

[[sites.strict.rules]]
path = "/admin/*"
access = "admins_only"
"#;

#[test]
fn sec_29_sites_with_path_rules_refuse_ambiguous_spellings_for_everyone() {
    let p = load_with(RULES, &[]);
    let shop = p.site("acme/shop").expect("site");
    let alice = user("acme-okta", "alice@acme.com", true);
    for raw in [
        "/admin;/x",
        "/public/..;/admin/x",
        "/admin%3F/x",
        "/%2561dmin/x",
        "/admin./x",
    ] {
        let path = normalize_path(raw).expect("normalizes");
        for who in [None, Some(&alice)] {
            assert!(
                matches!(decide(shop, who, "GET", &path), Decision::BadPath(_)),
                "{raw}"
            );
        }
    }
    // A site without rules has nothing a spelling could slip past.
    let www = load_with(ACME, &[]);
    let www = www.site("acme/www").expect("site");
    let path = normalize_path("/a;b").expect("normalizes");
    assert!(decide(www, None, "GET", &path).is_allowed());
}

#[test]
fn sec_29_rules_ignore_case_unless_the_site_asks_for_sensitive() {
    let p = load_with(RULES, &[]);
    let bob = user("acme-okta", "bob@acme.com", true);
    let upper = normalize_path("/ADMIN/x").expect("path");
    assert_eq!(
        on_path(&p, "acme/shop", &bob, &upper),
        Decision::Deny(DenyReason::WrongRole)
    );
    assert!(on_path(&p, "acme/strict", &bob, &upper).is_allowed());
    // A path matching a more open rule only when case is ignored gets no more than its
    // exact spelling: to a case-sensitive backend it is another resource.
    let team = p.site("acme/team").expect("site");
    let shouted = normalize_path("/PUBLIC/x").expect("path");
    assert_eq!(decide(team, None, "GET", &shouted), Decision::RequireLogin);
    assert!(decide(team, Some(&bob), "GET", &shouted).is_allowed());
    let public = normalize_path("/public/x").expect("path");
    assert!(decide(team, None, "GET", &public).is_allowed());
    let lower = normalize_path("/admin/x").expect("path");
    assert_eq!(
        on_path(&p, "acme/strict", &bob, &lower),
        Decision::Deny(DenyReason::WrongRole)
    );
}

#[test]
fn sec_18_a_member_removed_from_the_file_loses_access_at_the_next_snapshot() {
    let before = load_with(ACME, &[]);
    let erin = user("acme-okta", "erin@contractors.example", true);
    let carol = user("acme-okta", "carol@contractors.example", true);
    let with_carol_in_group = ACME.replace("\"carol@acme.com\"", "\"carol@contractors.example\"");
    let before_group = load_with(&with_carol_in_group, &[]);
    assert!(on(&before, "acme/team", &erin).is_allowed());
    assert!(on(&before_group, "acme/team", &carol).is_allowed());

    let after = load_with(
        &ACME.replace("\"erin@contractors.example\" = \"member\"\n", ""),
        &[],
    );
    assert_eq!(
        on(&after, "acme/team", &erin),
        Decision::Deny(DenyReason::NotAMember)
    );
    let after_group = load_with(
        &with_carol_in_group.replace("\"carol@contractors.example\"", ""),
        &[],
    );
    assert_eq!(
        on(&after_group, "acme/team", &carol),
        Decision::Deny(DenyReason::NotAMember)
    );
}

#[test]
fn public_sites_need_no_identity_and_pass_on_the_role_of_one() {
    let p = load_with(ACME, &[]);
    let site = p.site("acme/www").expect("site");
    let path = normalize_path("/").expect("path");
    match decide(site, None, "GET", &path) {
        Decision::Allow(a) => assert_eq!(a.role, None),
        d => panic!("{d:?}"),
    }
    let alice = user("acme-okta", "alice@acme.com", true);
    match decide(site, Some(&alice), "GET", &path) {
        Decision::Allow(a) => assert_eq!(a.role, Some(Role::Owner)),
        d => panic!("{d:?}"),
    }
}

#[test]
fn membership_reports_role_source_and_groups_for_headers() {
    let p = load_with(ACME, &[]);
    let ws = p.workspace("acme").expect("ws");
    let as_user = |e: &str, groups: &[&str]| UserPrincipal {
        idp: "acme-okta".into(),
        email: Some(e.into()),
        email_verified: true,
        idp_groups: groups.iter().map(|g| g.to_string()).collect(),
        ..UserPrincipal::default()
    };
    let m = ws
        .membership(&as_user("carol@acme.com", &[]))
        .expect("member");
    assert_eq!(
        (m.role, m.source, m.groups),
        (Role::Member, MemberSource::Group, vec!["eng"])
    );
    let m = ws
        .membership(&as_user("alice@acme.com", &["eng"]))
        .expect("member");
    assert_eq!(
        (m.role, m.source, m.groups),
        (Role::Owner, MemberSource::Explicit, vec!["eng"])
    );
    let m = ws
        .membership(&as_user("zed@nowhere.example", &["eng"]))
        .expect("member");
    assert_eq!((m.role, m.source), (Role::Member, MemberSource::IdpGroup));
    let m = ws
        .membership(&as_user("dan@acme.com", &["sales"]))
        .expect("member");
    assert_eq!((m.source, m.groups.len()), (MemberSource::EmailDomain, 0));
    assert!(
        ws.membership(&as_user("zed@nowhere.example", &["Eng"]))
            .is_none(),
        "claims are case-sensitive"
    );
    assert!(ws.may_deploy(&as_user("alice@acme.com", &[])));
    assert!(!ws.may_deploy(&as_user("dan@acme.com", &[])));
}

#[test]
fn deny_reasons_read_as_plain_words() {
    assert_eq!(
        DenyReason::WrongRole.to_string(),
        "this page is for workspace owners and admins only"
    );
    assert_eq!(
        DenyReason::TokenNotScopedToSite.to_string(),
        "this token is not valid for this site"
    );
}
