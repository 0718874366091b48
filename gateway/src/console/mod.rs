//! The web console on the sign-in host, behind sign-in: `/console` lists the sites of the
//! visitor's workspaces that they may open; `/console/sites/<workspace>/<site>` lets the
//! workspace's owners and admins change the site's access mode (written back to the RBAC
//! file), promote and roll back versions, set and delete secrets, issue and revoke deploy
//! tokens, and read the site's recent audit entries. Every form carries a CSRF token, every
//! action re-checks the caller's role and is audited.

mod access_edit;
mod csrf;
mod pages;
mod site_page;

use std::sync::Arc;

use policy::{Principal, Role, Site, UserPrincipal};

use crate::audit::Actor;
use crate::auth::session::{SsoSession, SSO_COOKIE};
use crate::clock::now;
use crate::cookies;
use crate::deployer::Deployer;
use crate::html::escape as esc;
use crate::respond::{Reply, SigninFailure};
use crate::signin::CONSOLE_PREFIX as PREFIX;
use crate::signin::{Request, SignIn};
use crate::snapshot::Snapshot;

/// Whether `path` on the sign-in host is the console's.
pub fn serves(path: &str) -> bool {
    path.strip_prefix(PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The visitor, signed in on the sign-in host.
struct Me {
    principal: UserPrincipal,
    email: String,
    csrf: String,
    session_id: String,
}

/// Answers a request under [`PREFIX`].
pub async fn handle(signin: &SignIn, req: &Request<'_>, snapshot: &Snapshot) -> Reply {
    let keys = signin.keys();
    let sso = cookies::get(&req.cookies, SSO_COOKIE)
        .and_then(|raw| SsoSession::open(&keys, raw, now()).ok());
    let Some(sso) = sso else {
        return match req.method {
            "GET" => signin_page(signin, snapshot),
            _ => Reply::see_other(PREFIX),
        };
    };
    let me = Me {
        email: sso
            .claims
            .email
            .clone()
            .unwrap_or_else(|| sso.claims.subject.clone()),
        principal: sso.claims.clone(),
        csrf: csrf::token(&keys, &sso.session_id),
        session_id: sso.session_id.clone(),
    };
    let rest = req.path.strip_prefix(PREFIX).unwrap_or_default();
    let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match (req.method, parts.as_slice()) {
        ("GET", []) => my_sites(snapshot, &me, signin),
        ("GET", ["sites", ws, name]) => match managed(snapshot, &me, ws, name) {
            Ok(site) => {
                let flash = site_page::Flash::from_query(&keys, &me.session_id, &req.query);
                site_page::render(snapshot, &site, &me.email, &me.csrf, flash.as_ref(), None)
            }
            Err(reply) => reply,
        },
        ("POST", ["sites", ws, name, action]) => {
            if req.cross_site || !csrf::valid(&keys, &sso.session_id, req.body.get("csrf")) {
                return Reply::fail(SigninFailure::ConsoleCsrf, req.request_id);
            }
            match managed(snapshot, &me, ws, name) {
                Ok(site) => site_page::act(snapshot, &site, &me, &keys, req, action).await,
                Err(reply) => reply,
            }
        }
        _ => Reply::fail(SigninFailure::NoConsolePage, req.request_id),
    }
}

/// The console's sign-in page: a link per identity provider of the workspaces.
fn signin_page(signin: &SignIn, snapshot: &Snapshot) -> Reply {
    let mut idps: Vec<&str> = snapshot
        .policy
        .workspaces()
        .map(|w| w.idp.as_str())
        .collect();
    idps.sort();
    idps.dedup();
    let providers: Vec<(String, String)> = idps
        .into_iter()
        .filter_map(|idp| {
            let provider = signin.provider(&snapshot.config, idp)?;
            let href = format!(
                "/signin?{}",
                crate::signin::form::encode(&[("console", "1"), ("idp", idp)])
            );
            Some((provider.config().display_name.clone(), href))
        })
        .collect();
    Reply::page(pages::signin(&providers))
}

/// My sites: per workspace the visitor belongs to, the sites they may open.
fn my_sites(snapshot: &Snapshot, me: &Me, signin: &SignIn) -> Reply {
    let principal = Principal::User(me.principal.clone());
    let mut body = String::from("<h1>My sites</h1>");
    let mut any = false;
    for ws in snapshot.policy.workspaces() {
        let Some(role) = ws.role_of(&me.principal) else {
            continue;
        };
        any = true;
        let manages = matches!(role, Role::Owner | Role::Admin);
        body.push_str(&format!(
            "<section><h2>{}</h2><p class=\"muted\">You are {} {} of this workspace.</p><div class=\"scroll\"><table><thead><tr><th>Site</th><th>Who may open it</th><th></th></tr></thead><tbody>",
            esc(&ws.name),
            article(role.as_str()),
            role.as_str()
        ));
        for site in snapshot.policy.sites_of(&ws.id) {
            let allowed = matches!(
                policy::decide(
                    site,
                    Some(&principal),
                    "GET",
                    &policy::normalize_path("/").expect("/ is a path")
                ),
                policy::Decision::Allow(_)
            );
            if !allowed && !manages {
                continue;
            }
            let host = site.hosts.first().map_or("", String::as_str);
            let open = if allowed {
                format!(
                    "<a href=\"{}/\">{}</a>",
                    esc(&signin.site_origin(host)),
                    esc(host)
                )
            } else {
                format!("{} <small>(you may not open it)</small>", esc(host))
            };
            let manage = if manages {
                format!(
                    "<a href=\"{PREFIX}/sites/{}/{}\">Manage</a>",
                    esc(&ws.id),
                    esc(&site.name)
                )
            } else {
                String::new()
            };
            body.push_str(&format!(
                "<tr><td>{open}</td><td>{}</td><td>{manage}</td></tr>",
                esc(&site_page::describe_access(&site.access))
            ));
        }
        body.push_str("</tbody></table></div></section>");
    }
    if !any {
        body.push_str(&format!(
            "<p>You are signed in as <strong>{}</strong>, but no workspace lists you as a member. \
             Ask a workspace admin to add you, or sign out and sign in with another account.</p>",
            esc(&me.email)
        ));
    }
    Reply::page(pages::layout("My sites", Some(&me.email), &body))
}

/// The site `ws/name` if the visitor is an owner or admin of its workspace; else the page
/// that says why not.
fn managed(snapshot: &Snapshot, me: &Me, ws: &str, name: &str) -> Result<Arc<Site>, Reply> {
    let id = format!("{ws}/{name}");
    let Some(site) = snapshot.policy.site(&id) else {
        return Err(me.fail(SigninFailure::NoSuchSite { site: id }));
    };
    match site.workspace.role_of(&me.principal) {
        Some(Role::Owner | Role::Admin) => Ok(site.clone()),
        role => {
            let why = match role {
                Some(role) => format!(
                    "you are {} {} of {}",
                    article(role.as_str()),
                    role.as_str(),
                    site.workspace.name
                ),
                None => format!("you are not a member of {}", site.workspace.name),
            };
            Err(me.fail(SigninFailure::NotManager {
                site: site.name.clone(),
                email: me.email.clone(),
                why,
                my_sites: PREFIX.to_string(),
            }))
        }
    }
}

/// "a" or "an" before `word`.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

impl Me {
    /// The page for `failure`, in the console's layout with the visitor signed in.
    fn fail(&self, failure: SigninFailure) -> Reply {
        Reply::fail_in(failure, |title, body| {
            pages::layout(title, Some(&self.email), body)
        })
    }

    /// The visitor, for the audit log.
    fn actor(&self, req: &Request<'_>) -> Actor {
        Actor {
            who: self.email.clone(),
            person: Some(self.email.clone()),
            from: req
                .client
                .map_or_else(|| "console".to_string(), |ip| ip.to_string()),
        }
    }
}

/// The deployer of the snapshot's state directory.
fn deployer(snapshot: &Snapshot) -> Deployer {
    Deployer::new(&snapshot.config.state_dir, snapshot.config.deploy)
}
