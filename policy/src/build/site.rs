//! Validation of one `[sites.NAME]` table: hosts, access mode and allow list, path rules,
//! external IdPs, backend and (for a worker) its outbound policy.

use std::path::Path;
use std::sync::Arc;

use super::outbound::outbound;
use super::{is_name, Checker, SiteOutput};
use crate::diag::{join_index, join_key};
use crate::email::parse_hostname;
use crate::file::{AllowFile, BackendFile, RuleFile, SiteFile};
use crate::model::{
    AccessMode, AllowList, Backend, Outbound, PathRule, Site, Upstream, WorkerBackend, Workspace,
};
use crate::path::{PathCase, PathPattern};
use crate::PolicyError;

pub(crate) fn build_site(
    ck: &mut Checker<'_>,
    file: &Path,
    ws: &Arc<Workspace>,
    name: &str,
    s: &SiteFile,
) -> SiteOutput {
    let key = join_key("sites", name);
    let name_at = ck.loc(&key, true);
    let errors_before = ck.diags.len();
    let name_ok = is_name(name);
    if !name_ok {
        ck.err_key(
            &key,
            PolicyError::BadName {
                what: "site name",
                value: name.into(),
            },
        );
    }
    let hosts = if name_ok || s.hosts.is_some() {
        hosts(ck, &key, ws, name, s.hosts.as_deref())
    } else {
        Vec::new()
    };
    let access = access(ck, ws, &key, &s.access, s.allow.as_ref());
    for (i, idp) in s.external_idps.iter().enumerate() {
        ck.idp(&join_index(&join_key(&key, "external_idps"), i), idp);
    }
    for (what, value) in [("max_body_bytes", s.max_body_bytes), ("cpu_ms", s.cpu_ms)] {
        if value == Some(0) {
            ck.err(&join_key(&key, what), PolicyError::NotPositive { what });
        }
    }
    let mut backend = backend(ck, file, &join_key(&key, "backend"), &s.backend);
    if let Some(table) = &s.outbound {
        let okey = join_key(&key, "outbound");
        let parsed = outbound(ck, &okey, table);
        match &mut backend {
            Some(Backend::Worker(worker)) => worker.outbound = parsed,
            Some(Backend::Upstream(_)) => ck.err_key(&okey, PolicyError::OutboundWithoutWorker),
            None => {}
        }
    }
    let websocket_origins = origins(ck, &key, &s.websocket_origins);
    let path_case = path_case(ck, &key, s.path_rules_case.as_deref());
    let rules = rules(ck, ws, &key, &s.rules, path_case);
    let site = match (access, backend) {
        (Some(access), Some(backend)) if ck.diags.len() == errors_before => Some(Site {
            workspace: Arc::clone(ws),
            name: name.to_string(),
            hosts: hosts.iter().map(|(h, _)| h.clone()).collect(),
            access,
            rules,
            path_case,
            backend,
            max_body_bytes: s.max_body_bytes,
            cpu_ms: s.cpu_ms,
            codex_sites: s.codex_sites,
            external_idps: s.external_idps.clone(),
            websocket_origins,
            preview: None,
            id: format!("{}/{}", ws.id, name),
        }),
        _ => None,
    };
    SiteOutput {
        name: name.to_string(),
        name_at,
        hosts,
        site,
    }
}

fn hosts(
    ck: &mut Checker<'_>,
    key: &str,
    ws: &Workspace,
    name: &str,
    hosts: Option<&[String]>,
) -> Vec<(String, crate::Diagnostic)> {
    let Some(list) = hosts else {
        let base = ck.load.base_domain.trim_end_matches('.');
        let host = format!("{name}.{}.{base}", ws.id);
        return match parse_hostname(&host) {
            Ok(h) => vec![(h, ck.loc(key, true))],
            Err(reason) => {
                ck.err_key(
                    key,
                    PolicyError::BadDefaultHost {
                        value: host,
                        reason,
                    },
                );
                Vec::new()
            }
        };
    };
    let hkey = join_key(key, "hosts");
    if list.is_empty() {
        ck.err(&hkey, PolicyError::Empty { what: "hosts" });
    }
    let mut out = Vec::new();
    for (i, h) in list.iter().enumerate() {
        let k = join_index(&hkey, i);
        match parse_hostname(h) {
            Ok(h) => out.push((h, ck.loc(&k, false))),
            Err(reason) => ck.err(
                &k,
                PolicyError::BadDomain {
                    what: "hostname",
                    value: h.clone(),
                    reason,
                },
            ),
        }
    }
    out
}

/// Parses an access mode and its allow table at `key` (a site or a rule).
fn access(
    ck: &mut Checker<'_>,
    ws: &Workspace,
    key: &str,
    mode: &str,
    allow: Option<&AllowFile>,
) -> Option<AccessMode> {
    let akey = join_key(key, "access");
    let simple = match mode {
        "admins_only" => Some(AccessMode::AdminsOnly),
        "workspace_all" => Some(AccessMode::WorkspaceAll),
        "public" => Some(AccessMode::Public),
        "custom" => None,
        other => {
            let e = PolicyError::UnknownValue {
                what: "access mode",
                value: other.into(),
                expected: AccessMode::NAMES,
            };
            ck.err(&akey, e);
            return None;
        }
    };
    if let Some(mode_value) = simple {
        if allow.is_some() {
            ck.err(
                &join_key(key, "allow"),
                PolicyError::AllowWithoutCustom {
                    access: mode.into(),
                },
            );
        }
        return Some(mode_value);
    }
    let Some(allow) = allow else {
        ck.err(&akey, PolicyError::EmptyAllowList);
        return None;
    };
    let lkey = join_key(key, "allow");
    let mut list = AllowList {
        users: ck.emails(&join_key(&lkey, "users"), &allow.users),
        ..AllowList::default()
    };
    list.users.sort();
    list.users.dedup();
    for (i, g) in allow.groups.iter().enumerate() {
        match ws.group_index.get(g) {
            Some(&index) => list.groups.push((g.clone(), index)),
            None => {
                let defined = ws.groups.iter().map(|g| g.name.clone()).collect();
                let k = join_index(&join_key(&lkey, "groups"), i);
                ck.err(
                    &k,
                    PolicyError::UndefinedGroup {
                        name: g.clone(),
                        defined,
                    },
                );
            }
        }
    }
    for (i, r) in allow.roles.iter().enumerate() {
        if let Some(role) = ck.role(&join_index(&join_key(&lkey, "roles"), i), r) {
            list.roles.push(role);
        }
    }
    list.email_domains = ck.domains(&join_key(&lkey, "email_domains"), &allow.email_domains);
    let written =
        allow.users.len() + allow.groups.len() + allow.roles.len() + allow.email_domains.len();
    if written == 0 {
        ck.err(&lkey, PolicyError::EmptyAllowList);
        return None;
    }
    Some(AccessMode::Custom(list))
}

fn backend(ck: &mut Checker<'_>, file: &Path, key: &str, b: &BackendFile) -> Option<Backend> {
    match (&b.upstream, &b.worker, b.deployed) {
        (None, None, Some(true)) => Some(Backend::Worker(WorkerBackend {
            dir: None,
            outbound: Outbound::default(),
        })),
        (Some(u), None, None) => match upstream(u) {
            Ok(up) => Some(Backend::Upstream(up)),
            Err(reason) => {
                let e = PolicyError::BadUpstream {
                    value: u.clone(),
                    reason,
                };
                ck.err(&join_key(key, "upstream"), e);
                None
            }
        },
        (None, Some(w), None) => {
            if w.trim().is_empty() || w.contains('\0') {
                ck.err(
                    &join_key(key, "worker"),
                    PolicyError::BadWorkerDir { value: w.clone() },
                );
                return None;
            }
            let base = file.parent().unwrap_or_else(|| Path::new(""));
            Some(Backend::Worker(WorkerBackend {
                dir: Some(base.join(w)),
                outbound: Outbound::default(),
            }))
        }
        _ => {
            ck.err(key, PolicyError::BadBackend);
            None
        }
    }
}

/// Parses an upstream origin URL.
pub(crate) fn upstream(raw: &str) -> Result<Upstream, String> {
    let url = url::Url::parse(raw)
        .map_err(|e| format!("{e}; expected an absolute http:// or https:// URL"))?;
    let tls = match url.scheme() {
        "https" => true,
        "http" => false,
        other => {
            return Err(format!(
                "scheme {other:?} is not supported; expected http or https"
            ))
        }
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("user info (user:password@) is not allowed".into());
    }
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_string(),
        Some(url::Host::Ipv4(a)) => a.to_string(),
        Some(url::Host::Ipv6(a)) => a.to_string(),
        None => return Err("it has no host".into()),
    };
    if host.is_empty() {
        return Err("it has no host".into());
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(
            "give the origin only (scheme, host and port), without a path, query or fragment"
                .into(),
        );
    }
    let port = url.port_or_known_default().ok_or("it has no port")?;
    Ok(Upstream {
        url,
        tls,
        host,
        port,
    })
}

/// Parses `websocket_origins`: each an `http(s)://host[:port]` origin, kept as browsers send
/// it (lower-case host, no default port).
fn origins(ck: &mut Checker<'_>, site_key: &str, list: &[String]) -> Vec<String> {
    ck.each_parsed(
        &join_key(site_key, "websocket_origins"),
        list,
        origin,
        |value, reason| PolicyError::BadOrigin { value, reason },
    )
}

/// `raw` as an origin's serialization, or why it is not one.
pub(super) fn origin(raw: &str) -> Result<String, &'static str> {
    let url = url::Url::parse(raw).map_err(|_| "not a URL")?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err("the scheme must be https or http");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("there is no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("an origin has no user or password");
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || raw.ends_with('/')
    {
        return Err("an origin has no path, query or fragment");
    }
    Ok(url.origin().ascii_serialization())
}

/// Parses `path_rules_case`; insensitive when absent (or wrong, after reporting it).
fn path_case(ck: &mut Checker<'_>, site_key: &str, value: Option<&str>) -> PathCase {
    let Some(value) = value else {
        return PathCase::default();
    };
    PathCase::parse(value).unwrap_or_else(|| {
        let e = PolicyError::UnknownValue {
            what: "path_rules_case",
            value: value.into(),
            expected: PathCase::NAMES,
        };
        ck.err(&join_key(site_key, "path_rules_case"), e);
        PathCase::default()
    })
}

fn rules(
    ck: &mut Checker<'_>,
    ws: &Workspace,
    site_key: &str,
    files: &[RuleFile],
    case: PathCase,
) -> Vec<PathRule> {
    let mut rules: Vec<(PathRule, crate::Diagnostic)> = Vec::new();
    for (i, r) in files.iter().enumerate() {
        let key = join_index(&join_key(site_key, "rules"), i);
        let pkey = join_key(&key, "path");
        let pattern = PathPattern::parse(&r.path).map_err(|reason| {
            ck.err(
                &pkey,
                PolicyError::UnmatchableRule {
                    value: r.path.clone(),
                    reason,
                },
            );
        });
        let mut methods = Vec::new();
        for (j, m) in r.methods.iter().enumerate() {
            if m.is_empty() || !m.bytes().all(|b| b.is_ascii_uppercase()) {
                ck.err(
                    &join_index(&join_key(&key, "methods"), j),
                    PolicyError::BadMethod { value: m.clone() },
                );
            } else if !methods.contains(m) {
                methods.push(m.clone());
            }
        }
        let access = access(ck, ws, &key, &r.access, r.allow.as_ref());
        let (Ok(pattern), Some(access)) = (pattern, access) else {
            continue;
        };
        let overlap = |other: &PathRule| {
            case.same(other.pattern.as_str(), pattern.as_str())
                && other.methods.is_empty() == methods.is_empty()
                && (methods.is_empty() || other.methods.iter().any(|m| methods.contains(m)))
        };
        if let Some((_, at)) = rules.iter().find(|(other, _)| overlap(other)) {
            let mut reason = format!(
                "the rule at {} has the same path and methods, and comes first",
                at.location()
            );
            if !rules
                .iter()
                .any(|(other, _)| other.pattern.as_str() == pattern.as_str())
            {
                reason.push_str(" (this site's path rules ignore case; see path_rules_case)");
            }
            ck.err(
                &pkey,
                PolicyError::UnmatchableRule {
                    value: r.path.clone(),
                    reason,
                },
            );
            continue;
        }
        let at = ck.loc(&pkey, false);
        rules.push((
            PathRule {
                pattern,
                methods,
                access,
            },
            at,
        ));
    }
    let mut rules: Vec<PathRule> = rules.into_iter().map(|(r, _)| r).collect();
    rules.sort_by(|a, b| {
        b.pattern
            .specificity_cmp(&a.pattern)
            .then_with(|| a.methods.is_empty().cmp(&b.methods.is_empty()))
    });
    rules
}
