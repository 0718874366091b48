//! `sitegate secret put|list|delete <site> …`, offline or through a gateway. Values come from
//! standard input only, never from the command line (where `ps` and shell history see them).

use std::io::Read;

use super::target::Target;
use crate::cli::SecretCommand;

/// Runs one `secret` verb.
pub fn run(command: SecretCommand) -> anyhow::Result<()> {
    match command {
        SecretCommand::Put {
            target,
            site,
            name,
            now,
        } => {
            let target = Target::open(&target, &site)?;
            let mut value = String::new();
            std::io::stdin().read_to_string(&mut value)?;
            let value = value.strip_suffix('\n').unwrap_or(&value);
            let value = value.strip_suffix('\r').unwrap_or(value);
            target.secret_put(&site, &name, value, now)?;
            eprintln!("Secret {name} of {site} saved{}.", live_when(now));
        }
        SecretCommand::List { target, site } => {
            for secret in Target::open(&target, &site)?.secret_list(&site)? {
                println!("{}\tset {}", secret.name, super::rfc3339(secret.set_at));
            }
        }
        SecretCommand::Delete {
            target,
            site,
            name,
            now,
        } => {
            Target::open(&target, &site)?.secret_delete(&site, &name, now)?;
            eprintln!("Secret {name} of {site} deleted{}.", live_when(now));
        }
    }
    Ok(())
}

fn live_when(now: bool) -> &'static str {
    if now {
        "; the live version has it now"
    } else {
        "; a deployed site's live version has it from its next deploy (or use --now)"
    }
}
