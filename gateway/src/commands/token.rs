//! `sitegate token create|list|revoke`: tokens in the state directory, each action written to
//! the audit log.

use crate::audit::{Actor, AuditLog};
use crate::cli::TokenCommand;
use crate::tokens::{self, TokenRequest, TokenScope};

/// Runs one `token` verb.
pub fn run(command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            config,
            workspace,
            sites,
            deploy,
            user,
            admin,
            expires,
        } => {
            let snapshot = config.source().load()?;
            let scope = match (admin, deploy) {
                (true, _) => TokenScope::Admin,
                (false, true) => TokenScope::Deploy,
                (false, false) => TokenScope::Access,
            };
            let workspace = workspace.unwrap_or_default();
            if scope != TokenScope::Admin {
                let ws = snapshot.policy.workspace(&workspace).ok_or_else(|| {
                    anyhow::anyhow!("no workspace \"{workspace}\" in the RBAC files")
                })?;
                for site in &sites {
                    if !snapshot.policy.sites_of(&ws.id).any(|s| &s.name == site) {
                        anyhow::bail!("workspace \"{workspace}\" has no site \"{site}\"");
                    }
                }
                if let Some(user) = &user {
                    if !ws
                        .member_role(user)
                        .is_some_and(|r| ws.deploy_roles.contains(&r))
                    {
                        anyhow::bail!(
                            "{user} may not deploy in {workspace}: deploy_roles are {} and {user} is {}",
                            ws.deploy_roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "),
                            ws.member_role(user).map_or("not a listed member", |r| r.as_str())
                        );
                    }
                }
            }
            let lifetime = humantime::parse_duration(&expires).map_err(|e| {
                anyhow::anyhow!("--expires \"{expires}\": {e}; expected e.g. 30d, 12h")
            })?;
            let request = TokenRequest {
                workspace: &workspace,
                sites: &sites,
                scope,
                user: user.as_deref(),
                lifetime_secs: lifetime.as_secs(),
            };
            let state_dir = &snapshot.config.state_dir;
            let (token, record) =
                tokens::create(state_dir, &request).map_err(anyhow::Error::msg)?;
            let target = if workspace.is_empty() {
                "*"
            } else {
                &workspace
            };
            AuditLog::new(state_dir).record(
                &Actor::local(),
                "token.create",
                target,
                &record.id,
                "ok",
            );
            eprintln!(
                "{} token {} for {target} ({}) — shown once; store it now",
                scope.as_str(),
                record.id,
                if sites.is_empty() {
                    "all sites".to_string()
                } else {
                    sites.join(", ")
                }
            );
            println!("{token}");
        }
        TokenCommand::List(config) => {
            let snapshot = config.source().load()?;
            for r in tokens::read(&snapshot.config.state_dir).map_err(anyhow::Error::msg)? {
                let state = if r.revoked {
                    "revoked"
                } else if r.expires_at <= crate::clock::now() {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\tcreated {}\texpires {}\t{state}",
                    r.id,
                    r.scope.as_str(),
                    if r.workspace.is_empty() {
                        "*"
                    } else {
                        &r.workspace
                    },
                    r.sites.join(","),
                    r.user.as_deref().unwrap_or("-"),
                    super::rfc3339(r.created_at),
                    super::rfc3339(r.expires_at)
                );
            }
        }
        TokenCommand::Revoke { config, id } => {
            let snapshot = config.source().load()?;
            let state_dir = &snapshot.config.state_dir;
            let revoked = tokens::revoke(state_dir, &id).map_err(anyhow::Error::msg)?;
            let result = if revoked { "ok" } else { "no such token" };
            AuditLog::new(state_dir).record(&Actor::local(), "token.revoke", "*", &id, result);
            if !revoked {
                anyhow::bail!("no token with id {id}");
            }
            eprintln!("Token {id} revoked.");
        }
    }
    Ok(())
}
