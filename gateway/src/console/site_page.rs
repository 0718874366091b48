//! A site's page in the console and its actions: the access mode with its change form, the
//! versions (promote, rollback), the secrets (names only; set, replace, delete), the
//! workspace's deploy tokens (issue, revoke) and the site's recent audit entries.

use std::fmt::Write;

use policy::{AccessMode, Site};

use super::access_edit::{self, Allow};
use super::pages::{button, csrf_field, layout, message};
use super::{deployer, Me, PREFIX};
use crate::audit::AuditLog;
use crate::auth::keys::KeyRing;
use crate::deploy::SiteDeploys;
use crate::html::escape as esc;
use crate::respond::Reply;
use crate::secrets::SecretStore;
use crate::signin::form::Form;
use crate::signin::Request;
use crate::snapshot::Snapshot;
use crate::tokens::{self, TokenRequest, TokenScope};

/// Audit entries shown on a site's page.
const AUDIT_SHOWN: usize = 20;
/// How long a deploy token made in the console works.
const TOKEN_LIFETIME_SECS: u64 = 90 * 24 * 3600;

/// The access mode in words.
pub fn describe_access(mode: &AccessMode) -> String {
    match mode {
        AccessMode::AdminsOnly => "the workspace's owners and admins".into(),
        AccessMode::WorkspaceAll => "every member of the workspace".into(),
        AccessMode::Public => "anyone, signed in or not".into(),
        AccessMode::Custom(list) => {
            let mut parts = Vec::new();
            if !list.users().is_empty() {
                parts.push(format!("people {}", list.users().join(", ")));
            }
            let groups: Vec<&str> = list.groups().collect();
            if !groups.is_empty() {
                parts.push(format!("groups {}", groups.join(", ")));
            }
            if !list.roles().is_empty() {
                let roles: Vec<&str> = list.roles().iter().map(|r| r.as_str()).collect();
                parts.push(format!("roles {}", roles.join(", ")));
            }
            if !list.email_domains().is_empty() {
                parts.push(format!("emails at {}", list.email_domains().join(", ")));
            }
            format!("only {}", parts.join("; "))
        }
    }
}

/// The outcome of the last action, carried to the page in its query string with a tag bound
/// to the visitor's session (so a link made by someone else cannot put words on the page).
pub struct Flash {
    done: bool,
    text: String,
}

impl Flash {
    /// The page's URL after an action on `site` that ended with `outcome`.
    fn url(
        keys: &KeyRing,
        session_id: &str,
        site: &Site,
        outcome: &Result<String, String>,
    ) -> String {
        let (kind, text) = match outcome {
            Ok(done) => ("done", done.as_str()),
            Err(problem) => ("problem", problem.as_str()),
        };
        let tag = super::csrf::token(keys, &format!("{session_id}\0{kind}\0{text}"));
        let query = crate::signin::form::encode(&[(kind, text), ("tag", &tag)]);
        format!("{PREFIX}/sites/{}?{query}", site.id())
    }

    /// The outcome in `query`, if its tag is this session's.
    pub fn from_query(keys: &KeyRing, session_id: &str, query: &Form) -> Option<Flash> {
        let (done, text) = match (query.get("done"), query.get("problem")) {
            (Some(text), None) => (true, text),
            (None, Some(text)) => (false, text),
            _ => return None,
        };
        let kind = if done { "done" } else { "problem" };
        let input = format!("{session_id}\0{kind}\0{text}");
        super::csrf::valid(keys, &input, query.get("tag")).then(|| Flash {
            done,
            text: text.to_string(),
        })
    }
}

/// The page of `site`, with the outcome of the last action and a token just issued.
pub fn render(
    snapshot: &Snapshot,
    site: &Site,
    email: &str,
    csrf: &str,
    flash: Option<&Flash>,
    new_token: Option<&str>,
) -> Reply {
    let base = format!("{PREFIX}/sites/{}", site.id());
    let mut body = format!(
        "<p><a href=\"{PREFIX}\">My sites</a></p><h1>{}</h1><p class=\"muted\">{} · workspace {}</p>",
        esc(&site.name),
        esc(site.hosts.first().map_or("", String::as_str)),
        esc(&site.workspace.name)
    );
    if let Some(flash) = flash {
        let class = if flash.done { "note" } else { "problem" };
        body.push_str(&message(class, &flash.text));
    }
    access_section(&mut body, site, &base, csrf);
    if matches!(site.backend, policy::Backend::Worker(_)) {
        let deployer = deployer(snapshot);
        let record = deployer.store().read(site.id()).unwrap_or_default();
        let port = snapshot.config.listen.public_https_port;
        versions_section(&mut body, &record, site, &base, csrf, port);
        secrets_section(&mut body, snapshot, site, &base, csrf);
        tokens_section(&mut body, snapshot, site, &base, csrf, new_token);
    }
    audit_section(&mut body, snapshot, site);
    Reply::page(layout(&site.name, Some(email), &body))
}

fn access_section(body: &mut String, site: &Site, base: &str, csrf: &str) {
    let current = site.access.as_str();
    let options: String = AccessMode::NAMES
        .iter()
        .map(|m| {
            let selected = if *m == current { " selected" } else { "" };
            format!("<option value=\"{m}\"{selected}>{m}</option>")
        })
        .collect();
    let (users, groups, roles, domains) = match &site.access {
        AccessMode::Custom(list) => (
            list.users().join(", "),
            list.groups().collect::<Vec<_>>().join(", "),
            list.roles()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            list.email_domains().join(", "),
        ),
        _ => Default::default(),
    };
    let field = |name: &str, label: &str, value: &str| {
        format!(
            "<label for=\"{name}\">{label}</label><input id=\"{name}\" name=\"{name}\" value=\"{}\">",
            esc(value)
        )
    };
    let _ = write!(
        body,
        "<section aria-labelledby=\"access\"><h2 id=\"access\">Who may open it</h2><p>Now: <strong>{}</strong> ({current}).</p>\
         <form method=\"post\" action=\"{base}/access\">{}<label for=\"mode\">Access mode</label><select id=\"mode\" name=\"mode\">{options}</select>\
         <p class=\"muted\">For <em>custom</em>, list who may open it (comma-separated):</p>{}{}{}{}<button>Save access</button></form></section>",
        esc(&describe_access(&site.access)),
        csrf_field(csrf),
        field("users", "People (emails)", &users),
        field("groups", "Groups", &groups),
        field("roles", "Roles", &roles),
        field("email_domains", "Email domains", &domains),
    );
}

fn versions_section(
    body: &mut String,
    record: &SiteDeploys,
    site: &Site,
    base: &str,
    csrf: &str,
    port: u16,
) {
    body.push_str("<section aria-labelledby=\"versions\"><h2 id=\"versions\">Versions</h2>");
    if record.versions.is_empty() {
        body.push_str(
            "<p>Nothing deployed yet. Deploy with <code>sitegate deploy</code>.</p></section>",
        );
        return;
    }
    body.push_str("<div class=\"scroll\"><table><thead><tr><th>Version</th><th>State</th><th>Saved</th><th>By</th><th></th></tr></thead><tbody>");
    for v in record.versions.iter().rev() {
        let live = record.production.as_ref() == Some(&v.id);
        let state = if live {
            "live"
        } else if record.previous.contains(&v.id) {
            "previous"
        } else {
            "saved"
        };
        let action = if live {
            String::new()
        } else {
            let host = site
                .hosts
                .first()
                .map_or(String::new(), |h| policy::preview_host(&v.id, h));
            format!(
                "{} <a href=\"{}/\">Preview</a>",
                button(
                    &format!("{base}/promote"),
                    "Promote",
                    csrf,
                    &[("version", &v.id)]
                ),
                esc(&crate::origin::https(&host, port))
            )
        };
        let _ = write!(
            body,
            "<tr><td><code>{}</code></td><td>{state}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
            esc(&v.id),
            crate::commands::rfc3339(v.saved_at),
            esc(&v.saved_by)
        );
    }
    body.push_str("</tbody></table></div>");
    if !record.previous.is_empty() {
        body.push_str(&button(
            &format!("{base}/rollback"),
            "Roll back to the previous version",
            csrf,
            &[],
        ));
    }
    body.push_str("</section>");
}

fn secrets_section(body: &mut String, snapshot: &Snapshot, site: &Site, base: &str, csrf: &str) {
    let listing = SecretStore::open(&snapshot.config.state_dir)
        .map(|s| s.listing(site.id()))
        .unwrap_or_default();
    body.push_str("<section aria-labelledby=\"secrets\"><h2 id=\"secrets\">Secrets</h2><p class=\"muted\">Values are never shown. A change reaches the live version at once.</p>");
    if !listing.is_empty() {
        body.push_str("<table><thead><tr><th>Name</th><th>Set</th><th></th></tr></thead><tbody>");
        for s in &listing {
            let _ = write!(
                body,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&s.name),
                crate::commands::rfc3339(s.set_at),
                button(
                    &format!("{base}/secret-delete"),
                    "Delete",
                    csrf,
                    &[("name", &s.name)]
                )
            );
        }
        body.push_str("</tbody></table>");
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"{base}/secret\">{}<label for=\"secret-name\">Name</label><input id=\"secret-name\" name=\"name\" autocomplete=\"off\">\
         <label for=\"secret-value\">Value</label><input id=\"secret-value\" name=\"value\" type=\"password\" autocomplete=\"off\"><button>Set secret</button></form></section>",
        csrf_field(csrf)
    );
}

fn tokens_section(
    body: &mut String,
    snapshot: &Snapshot,
    site: &Site,
    base: &str,
    csrf: &str,
    new: Option<&str>,
) {
    body.push_str("<section aria-labelledby=\"tokens\"><h2 id=\"tokens\">Deploy tokens</h2>");
    if let Some(token) = new {
        let _ = write!(body, "<p class=\"note\">New deploy token (shown once; store it now):</p><p class=\"token\">{}</p>", esc(token));
    }
    let records = tokens::read(&snapshot.config.state_dir).unwrap_or_default();
    let mine: Vec<_> = records
        .iter()
        .filter(|r| r.scope == TokenScope::Deploy && r.workspace == site.workspace.id && !r.revoked)
        .filter(|r| r.sites.is_empty() || r.sites.contains(&site.name))
        .collect();
    if !mine.is_empty() {
        body.push_str("<table><thead><tr><th>Token</th><th>Sites</th><th>Acts as</th><th>Expires</th><th></th></tr></thead><tbody>");
        for r in mine {
            let _ = write!(
                body,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.id),
                esc(&if r.sites.is_empty() {
                    "all".to_string()
                } else {
                    r.sites.join(", ")
                }),
                esc(r.user.as_deref().unwrap_or("-")),
                crate::commands::rfc3339(r.expires_at),
                button(
                    &format!("{base}/token-revoke"),
                    "Revoke",
                    csrf,
                    &[("id", &r.id)]
                )
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str(&button(
        &format!("{base}/token"),
        "New deploy token for this site",
        csrf,
        &[],
    ));
    body.push_str("</section>");
}

fn audit_section(body: &mut String, snapshot: &Snapshot, site: &Site) {
    let entries = AuditLog::new(&snapshot.config.state_dir)
        .read(Some(site.id()), AUDIT_SHOWN)
        .unwrap_or_default();
    body.push_str("<section aria-labelledby=\"audit\"><h2 id=\"audit\">Recent changes</h2>");
    if entries.is_empty() {
        body.push_str("<p>None yet.</p></section>");
        return;
    }
    body.push_str("<div class=\"scroll\"><table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Result</th></tr></thead><tbody>");
    for e in entries.iter().rev() {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td></tr>",
            crate::commands::rfc3339(e.at),
            esc(&e.who),
            esc(&e.action),
            esc(&e.detail),
            esc(&e.result)
        );
    }
    body.push_str("</tbody></table></div></section>");
}

/// Performs `action` on `site` for `me` (already checked to be an owner or admin), then sends
/// the browser back to the site's page with the outcome.
pub async fn act(
    snapshot: &Snapshot,
    site: &Site,
    me: &Me,
    keys: &KeyRing,
    req: &Request<'_>,
    action: &str,
) -> Reply {
    let actor = me.actor(req);
    let deployer = deployer(snapshot);
    let form = &req.body;
    let field = |name: &str| form.get(name).unwrap_or_default().trim().to_string();
    let site_id = site.id().to_string();
    let outcome: Result<String, String> = match action {
        "access" => change_access(snapshot, site, form).map(|mode| {
            deployer
                .audit()
                .record(&actor, "access.change", &site_id, &mode, "ok");
            format!("Access set to {mode}. It applies within a second.")
        }),
        "promote" => {
            let id = field("version");
            let (deployer, site_id, actor) = (deployer.clone(), site_id.clone(), actor.clone());
            crate::deployer::off_thread(
                move || {
                    deployer
                        .promote(&site_id, &id, &actor)
                        .map(|_| format!("Version {id} is live."))
                        .map_err(|e| e.to_string())
                },
                "the action failed unexpectedly".to_string(),
            )
            .await
        }
        "rollback" => {
            let (deployer, site_id, actor) = (deployer.clone(), site_id.clone(), actor.clone());
            crate::deployer::off_thread(
                move || {
                    deployer
                        .rollback(&site_id, &actor)
                        .map(|id| format!("Rolled back: version {id} is live."))
                        .map_err(|e| e.to_string())
                },
                "the action failed unexpectedly".to_string(),
            )
            .await
        }
        "secret" => {
            let name = field("name");
            let value = form.get("value").unwrap_or_default().to_string();
            deployer
                .put_secret(&site_id, &name, &value, true, &actor)
                .map(|()| format!("Secret {name} saved."))
                .map_err(|e| e.to_string())
        }
        "secret-delete" => {
            let name = field("name");
            deployer
                .delete_secret(&site_id, &name, true, &actor)
                .map(|()| format!("Secret {name} deleted."))
                .map_err(|e| e.to_string())
        }
        "token" => {
            let sites = [site.name.clone()];
            let request = TokenRequest {
                workspace: &site.workspace.id,
                sites: &sites,
                scope: TokenScope::Deploy,
                user: None,
                lifetime_secs: TOKEN_LIFETIME_SECS,
            };
            return match tokens::create(&snapshot.config.state_dir, &request) {
                Ok((token, record)) => {
                    deployer
                        .audit()
                        .record(&actor, "token.create", &site_id, &record.id, "ok");
                    let flash = Flash {
                        done: true,
                        text: "Deploy token created.".into(),
                    };
                    render(
                        snapshot,
                        site,
                        &me.email,
                        &me.csrf,
                        Some(&flash),
                        Some(&token),
                    )
                }
                Err(e) => Reply::see_other(Flash::url(keys, &me.session_id, site, &Err(e))),
            };
        }
        "token-revoke" => {
            let id = field("id");
            let owned = tokens::read(&snapshot.config.state_dir)
                .unwrap_or_default()
                .into_iter()
                .any(|r| {
                    r.id == id && r.workspace == site.workspace.id && r.scope == TokenScope::Deploy
                });
            let result = match owned {
                true => tokens::revoke(&snapshot.config.state_dir, &id)
                    .map(|_| format!("Token {id} revoked.")),
                false => Err(format!("{} has no deploy token {id}", site.workspace.name)),
            };
            let outcome = result.as_ref().err().map_or("ok", String::as_str);
            deployer
                .audit()
                .record(&actor, "token.revoke", &site_id, &id, outcome);
            result
        }
        _ => Err("no such action".to_string()),
    };
    Reply::see_other(Flash::url(keys, &me.session_id, site, &outcome))
}

/// Writes the access change of `form` to the site's RBAC file; returns the new mode.
fn change_access(snapshot: &Snapshot, site: &Site, form: &Form) -> Result<String, String> {
    let mode = form.get("mode").unwrap_or_default().to_string();
    if !AccessMode::NAMES.contains(&mode.as_str()) {
        return Err(format!(
            "unknown access mode {mode:?}; expected one of {}",
            AccessMode::NAMES.join(", ")
        ));
    }
    let list = |name: &str| -> Vec<String> {
        form.get(name)
            .unwrap_or_default()
            .split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let allow = Allow {
        users: list("users"),
        groups: list("groups"),
        roles: list("roles"),
        email_domains: list("email_domains"),
    };
    let file = &site.workspace.file;
    if !file.is_file() {
        return Err(format!(
            "the RBAC file of {} is built into the binary (the embedded demo); run `sitegate serve --config examples/demo/sitegate.toml` to change access from the console",
            site.workspace.name
        ));
    }
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let new = access_edit::edit(&text, &site.name, &mode, &allow)?;
    let config = &snapshot.config;
    config.with_policy_context(|ctx| {
        access_edit::write_checked(file, &new, &config.rbac_files, ctx)
    })?;
    Ok(mode)
}
