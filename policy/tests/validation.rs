//! One fixture per validation error, each with the exact diagnostics `sitegate check` prints.

mod common;

use common::load_fixtures;

/// (fixture files, expected diagnostics, one per line)
const CASES: &[(&[&str], &str)] = &[
    (&["duplicate_site_name_a.toml", "duplicate_site_name_b.toml"], "invalid/duplicate_site_name_b.toml:5:8: sites.crm: site name \"crm\" is already used at invalid/duplicate_site_name_a.toml:5:8"),
    (&["duplicate_workspace_a.toml", "duplicate_workspace_b.toml"], "invalid/duplicate_workspace_b.toml:2:6: workspace.id: workspace id \"acme\" is already used at invalid/duplicate_workspace_a.toml:2:6"),
    (&["allow_without_custom.toml"], "invalid/allow_without_custom.toml:7:9: sites.crm.allow: allow is only read when access = \"custom\" (access here is \"workspace_all\")"),
    (&["backend_both.toml"], "invalid/backend_both.toml:7:11: sites.crm.backend: backend needs exactly one of upstream = \"https://…\", worker = \"dir\", deployed = true"),
    (&["bad_hostname.toml"], "invalid/bad_hostname.toml:6:10: sites.crm.hosts[0]: malformed hostname \"crm_app.acme.com\": labels may hold only letters, digits and '-'"),
    (&["bad_site_name.toml"], "invalid/bad_site_name.toml:5:8: sites.CRM_app: invalid site name \"CRM_app\": use 1 to 63 lowercase letters, digits and '-', not starting or ending with '-'"),
    (&["custom_empty_allow.toml"], "invalid/custom_empty_allow.toml:7:9: sites.crm.allow: access \"custom\" needs at least one allow entry; expected one or more of users, groups, roles, email_domains"),
    (&["custom_without_allow.toml"], "invalid/custom_without_allow.toml:6:10: sites.crm.access: access \"custom\" needs at least one allow entry; expected one or more of users, groups, roles, email_domains"),
    (&["duplicate_hostname.toml"], "invalid/duplicate_hostname.toml:11:31: sites.sales.hosts[1]: hostname \"crm.example.com\" is already used at invalid/duplicate_hostname.toml:6:10"),
    (&["duplicate_member.toml"], "invalid/duplicate_member.toml:7:1: members.\"Ann@Acme.com\": member \"ann@acme.com\" is already used at invalid/duplicate_member.toml:6:1"),
    (&["lookalike_member_email.toml"], "invalid/lookalike_member_email.toml:6:1: members.\"аnn@acme.com\": malformed email \"аnn@acme.com\": only ASCII addresses are accepted"),
    (&["malformed_domain.toml"], "invalid/malformed_domain.toml:4:18: workspace.email_domains[0]: malformed domain \"acme..com\": it has an empty label"),
    (&["malformed_email.toml"], "invalid/malformed_email.toml:7:20: sites.crm.allow.users[0]: malformed email \"a@b@c.com\": it has more than one \"@\""),
    (&["malformed_member_email.toml"], "invalid/malformed_member_email.toml:6:1: members.\"\\\"ann\\\"@acme.com\": malformed email \"\\\"ann\\\"@acme.com\": quoted local parts are not accepted"),
    (&["many_errors.toml"], "invalid/many_errors.toml:4:30: workspace.email_domains[1]: malformed domain \"not a domain\": it needs at least two labels, as in example.com\ninvalid/many_errors.toml:8:18: members.\"bob@acme.com\": unknown role \"root\"; expected one of owner, admin, member\ninvalid/many_errors.toml:11:12: groups.eng.members[0]: malformed email \"carol@acme\": it needs at least two labels, as in example.com\ninvalid/many_errors.toml:15:50: sites.crm.allow.groups[0]: undefined group \"sales\"; expected one of eng (defined groups)\ninvalid/many_errors.toml:15:69: sites.crm.allow.roles[0]: unknown role \"boss\"; expected one of owner, admin, member\ninvalid/many_errors.toml:16:18: sites.crm.external_idps[0]: undefined identity provider \"nope\"; expected one of acme-okta, customers, dev, globex-google (identity providers defined in sitegate.toml)\ninvalid/many_errors.toml:17:24: sites.crm.backend.upstream: bad upstream URL \"gopher://crm\": scheme \"gopher\" is not supported; expected http or https\ninvalid/many_errors.toml:20:8: sites.crm.rules[0].path: path rule \"/admin//x\" can never match: it holds an empty segment (\"//\"), which normalization removes\ninvalid/many_errors.toml:21:10: sites.crm.rules[0].access: unknown access mode \"admins_onyl\"; expected one of admins_only, workspace_all, custom, public"),
    (&["missing_backend.toml"], "invalid/missing_backend.toml:5:1: sites.crm: missing key \"backend\""),
    (&["outbound_bad_values.toml"], "invalid/outbound_bad_values.toml:10:29: sites.shop.outbound.hosts[1]: bad outbound host \"api.*.com\": '*' is accepted only as the whole first label, as in *.example.com; expected a host name (api.example.com), a wildcard (*.example.com) or an IP address\ninvalid/outbound_bad_values.toml:10:42: sites.shop.outbound.hosts[2]: bad outbound host \"https://pay.example.com\": give the host only, without a scheme, port, path or user info; expected a host name (api.example.com), a wildcard (*.example.com) or an IP address\ninvalid/outbound_bad_values.toml:11:27: sites.shop.outbound.private[1]: bad private network \"10.1.2.3/24\": it has host bits set; write 10.1.2.0/24; expected an address or a CIDR network such as 10.1.2.0/24, 127.0.0.1/32 or fd00::/8\ninvalid/outbound_bad_values.toml:11:42: sites.shop.outbound.private[2]: bad private network \"intranet\": it is neither an IP address nor a CIDR network; expected an address or a CIDR network such as 10.1.2.0/24, 127.0.0.1/32 or fd00::/8"),
    (&["outbound_on_upstream.toml"], "invalid/outbound_on_upstream.toml:8:1: sites.crm.outbound: outbound is only read for worker backends; this site's backend is an upstream"),
    (&["rule_bad_method.toml"], "invalid/rule_bad_method.toml:11:12: sites.crm.rules[0].methods[0]: invalid method \"post\": methods are case-sensitive upper-case tokens such as GET, POST, DELETE"),
    (&["rule_not_absolute.toml"], "invalid/rule_not_absolute.toml:10:8: sites.crm.rules[0].path: path rule \"admin/*\" can never match: it must start with \"/\" (request paths always do)"),
    (&["rule_not_normalized.toml"], "invalid/rule_not_normalized.toml:10:8: sites.crm.rules[0].path: path rule \"/%61dmin/*\" can never match: segment \"%61dmin\" is not in normalized form; request paths are compared as \"admin\""),
    (&["rule_partial_star.toml"], "invalid/rule_partial_star.toml:10:8: sites.crm.rules[0].path: path rule \"/admin*\" can never match: \"admin*\": '*' must be a whole segment, as in \"/admin/*\""),
    (&["rule_shadowed.toml"], "invalid/rule_shadowed.toml:14:8: sites.crm.rules[1].path: path rule \"/admin/*\" can never match: the rule at invalid/rule_shadowed.toml:10:8 has the same path and methods, and comes first"),
    (&["rule_trailing_slash.toml"], "invalid/rule_trailing_slash.toml:10:8: sites.crm.rules[0].path: path rule \"/admin/\" can never match: it ends with \"/\"; write \"/admin\" (which also matches \"/admin/\") or \"/admin/*\""),
    (&["syntax_error.toml"], "invalid/syntax_error.toml:5:11: invalid TOML: unclosed table, expected \"]\""),
    (&["type_error.toml"], "invalid/type_error.toml:6:9: sites.crm.hosts: invalid type: string \"crm.acme.com\", expected an array"),
    (&["undefined_external_idp.toml"], "invalid/undefined_external_idp.toml:7:31: sites.shop.external_idps[1]: undefined identity provider \"auth0\"; expected one of acme-okta, customers, dev, globex-google (identity providers defined in sitegate.toml)"),
    (&["undefined_group.toml"], "invalid/undefined_group.toml:10:21: sites.crm.allow.groups[0]: undefined group \"enginering\"; expected one of engineering (defined groups)"),
    (&["undefined_idp.toml"], "invalid/undefined_idp.toml:3:7: workspace.idp: undefined identity provider \"okta\"; expected one of acme-okta, customers, dev, globex-google (identity providers defined in sitegate.toml)"),
    (&["unknown_access_mode.toml"], "invalid/unknown_access_mode.toml:6:10: sites.crm.access: unknown access mode \"admin_only\"; expected one of admins_only, workspace_all, custom, public"),
    (&["unknown_keys.toml"], "invalid/unknown_keys.toml:4:1: workspace.colour: unknown key \"colour\"; expected one of id, name, idp, email_domains, deploy_roles\ninvalid/unknown_keys.toml:8:1: sites.crm.acess: unknown key \"acess\"; expected one of hosts, access, allow, external_idps, max_body_bytes, cpu_ms, codex_sites, backend, rules, path_rules_case, outbound, websocket_origins\ninvalid/unknown_keys.toml:14:1: sites.crm.rules[0].comment: unknown key \"comment\"; expected one of path, access, allow, methods"),
    (&["unknown_path_rules_case.toml"], "invalid/unknown_path_rules_case.toml:7:19: sites.crm.path_rules_case: unknown path_rules_case \"exact\"; expected one of insensitive, sensitive"),
    (&["unknown_role.toml"], "invalid/unknown_role.toml:6:18: members.\"ann@acme.com\": unknown role \"superuser\"; expected one of owner, admin, member"),
    (&["upstream_path.toml"], "invalid/upstream_path.toml:7:24: sites.crm.backend.upstream: bad upstream URL \"https://crm.acme.com/app\": give the origin only (scheme, host and port), without a path, query or fragment"),
    (&["upstream_scheme.toml"], "invalid/upstream_scheme.toml:7:24: sites.crm.backend.upstream: bad upstream URL \"ftp://files.acme.com\": scheme \"ftp\" is not supported; expected http or https"),
    (&["upstream_unparsable.toml"], "invalid/upstream_unparsable.toml:7:24: sites.crm.backend.upstream: bad upstream URL \"not a url\": relative URL without a base; expected an absolute http:// or https:// URL"),
    (&["upstream_userinfo.toml"], "invalid/upstream_userinfo.toml:7:24: sites.crm.backend.upstream: bad upstream URL \"https://user:pw@crm.acme.com\": user info (user:password@) is not allowed"),
    (&["zero_body_limit.toml"], "invalid/zero_body_limit.toml:7:18: sites.crm.max_body_bytes: max_body_bytes must be greater than 0"),
];

#[test]
fn every_invalid_fixture_reports_exactly_its_expected_diagnostics() {
    let mut failures = Vec::new();
    for (files, expected) in CASES {
        match load_fixtures("invalid", files) {
            Ok(_) => failures.push(format!("{files:?}: loaded without error")),
            Err(d) if d.to_string() != *expected => {
                failures.push(format!("{files:?}:\n got: {d}\nwant: {expected}"))
            }
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_invalid_fixture_file_is_covered_by_a_case() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let covered: Vec<&str> = CASES.iter().flat_map(|(f, _)| f.iter().copied()).collect();
    for entry in std::fs::read_dir(dir).expect("fixture dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("utf-8 name");
        assert!(
            covered.contains(&name.as_str()),
            "fixture {name} has no expected message"
        );
    }
}

#[test]
fn each_file_alone_of_a_cross_file_pair_is_valid() {
    for f in [
        "duplicate_site_name_a.toml",
        "duplicate_site_name_b.toml",
        "duplicate_workspace_a.toml",
    ] {
        assert!(load_fixtures("invalid", &[f]).is_ok(), "{f}");
    }
}

#[test]
fn diagnostics_come_one_per_line_in_file_then_line_order() {
    let d = load_fixtures("invalid", &["many_errors.toml"]).expect_err("invalid");
    assert_eq!(d.len(), 9);
    let lines: Vec<usize> = d.iter().map(|x| x.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert_eq!(d.to_string().lines().count(), 9);
}
