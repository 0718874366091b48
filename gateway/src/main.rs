//! `sitegate`: terminates TLS for many site hostnames, maps each request to a site of a
//! workspace, enforces its access mode, and forwards allowed traffic to its backend.
#![forbid(unsafe_code)]

mod access;
mod access_log;
mod admin;
mod audit;
mod auth;
mod cli;
mod commands;
mod config;
mod demo;
mod deploy;
mod error;
mod errors;
mod fsutil;
mod headers;
mod logging;
mod metrics;
mod proxy;
mod reload;
mod request_id;
mod respond;
mod routing;
mod secrets;
mod server;
mod shutdown;
mod signin;
mod signin_glue;
mod snapshot;
mod tls;
mod tokens;
mod upstream;
mod worker;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

/// The allocator: the proxy path allocates many small, short-lived buffers, which mimalloc
/// serves markedly faster than the system allocator (see bench/proxy.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use cli::{CaCommand, Cli, Command, SecretCommand, TokenCommand};
pub use error::GatewayError;
use snapshot::{ConfigSource, Store};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(arg) => serve(arg.source()),
        Command::Check(arg) => check(arg.source()),
        Command::Ca {
            command: CaCommand::Export(arg),
        } => ca_export(arg.source()),
        Command::Token { command } => token(command),
        Command::Secret { command } => secret(command),
        Command::Deploy {
            config,
            dir,
            site,
            save,
        } => commands::deploy::Offline::open(&config.source(), &site)
            .and_then(|o| o.deploy(&site, &dir, save)),
        Command::Versions { config, site } => {
            commands::deploy::Offline::open(&config.source(), &site).and_then(|o| o.versions(&site))
        }
        Command::Promote {
            config,
            site,
            version,
        } => commands::deploy::Offline::open(&config.source(), &site)
            .and_then(|o| o.promote(&site, &version)),
        Command::Rollback { config, site } => {
            commands::deploy::Offline::open(&config.source(), &site).and_then(|o| o.rollback(&site))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(source: ConfigSource) -> anyhow::Result<()> {
    let snapshot = source.load()?;
    logging::init(snapshot.config.log.format, &snapshot.config.log.level);
    let embedded = matches!(source, ConfigSource::Embedded);
    let store = Arc::new(Store::open(source)?);
    if embedded {
        print_demo_banner(&store);
    }
    server::run(store)?;
    Ok(())
}

fn check(source: ConfigSource) -> anyhow::Result<()> {
    let snapshot = source.load()?;
    let sites = snapshot.policy.sites().count();
    let workspaces = snapshot.config.rbac_files.len();
    println!(
        "{}: ok ({workspaces} RBAC file{}, {sites} site{})",
        snapshot.config.source.display(),
        if workspaces == 1 { "" } else { "s" },
        if sites == 1 { "" } else { "s" }
    );
    Ok(())
}

fn ca_export(source: ConfigSource) -> anyhow::Result<()> {
    let snapshot = source.load()?;
    let ca = certs::DevCa::load_or_create(&snapshot.config.state_dir)?;
    print!("{}", ca.ca_pem());
    Ok(())
}

fn secret(command: SecretCommand) -> anyhow::Result<()> {
    let (config, site) = match &command {
        SecretCommand::Put { config, site, .. }
        | SecretCommand::List { config, site }
        | SecretCommand::Delete { config, site, .. } => (config.clone(), site.clone()),
    };
    let site = site.as_str();
    let snapshot = config.source().load()?;
    if snapshot.policy.site(site).is_none() {
        anyhow::bail!("no site \"{site}\" in the RBAC files (expected workspace/site)");
    }
    let mut store =
        secrets::SecretStore::open(&snapshot.config.state_dir).map_err(anyhow::Error::msg)?;
    match command {
        SecretCommand::Put { name, .. } => {
            let mut value = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut value)?;
            let value = value.strip_suffix('\n').unwrap_or(&value);
            let value = value.strip_suffix('\r').unwrap_or(value);
            store.put(site, &name, value).map_err(anyhow::Error::msg)?;
            eprintln!("Secret {name} of {site} saved.");
        }
        SecretCommand::List { .. } => {
            for name in store.names(site) {
                println!("{name}");
            }
        }
        SecretCommand::Delete { name, .. } => {
            if !store.delete(site, &name).map_err(anyhow::Error::msg)? {
                anyhow::bail!("{site} has no secret {name}");
            }
            eprintln!("Secret {name} of {site} deleted.");
        }
    }
    Ok(())
}

fn token(command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            config,
            workspace,
            sites,
            expires,
        } => {
            let snapshot = config.source().load()?;
            let ws = snapshot
                .policy
                .workspace(&workspace)
                .ok_or_else(|| anyhow::anyhow!("no workspace \"{workspace}\" in the RBAC files"))?;
            for site in &sites {
                if !snapshot.policy.sites_of(&ws.id).any(|s| &s.name == site) {
                    anyhow::bail!("workspace \"{workspace}\" has no site \"{site}\"");
                }
            }
            let lifetime = humantime::parse_duration(&expires).map_err(|e| {
                anyhow::anyhow!("--expires \"{expires}\": {e}; expected e.g. 30d, 12h")
            })?;
            let (token, record) = tokens::create(
                &snapshot.config.state_dir,
                &workspace,
                &sites,
                lifetime.as_secs(),
            )
            .map_err(anyhow::Error::msg)?;
            eprintln!(
                "Token {} for {workspace}: {} (shown once; store it now)",
                record.id,
                sites.join(", ")
            );
            println!("{token}");
        }
        TokenCommand::List(config) => {
            let snapshot = config.source().load()?;
            for r in tokens::read(&snapshot.config.state_dir).map_err(anyhow::Error::msg)? {
                let state = if r.revoked {
                    "revoked"
                } else if r.expires_at <= signin::now() {
                    "expired"
                } else {
                    "active"
                };
                let when = |t: u64| {
                    humantime::format_rfc3339_seconds(
                        std::time::UNIX_EPOCH + std::time::Duration::from_secs(t),
                    )
                };
                println!(
                    "{}\t{}\t{}\tcreated {}\texpires {}\t{state}",
                    r.id,
                    r.workspace,
                    r.sites.join(","),
                    when(r.created_at),
                    when(r.expires_at)
                );
            }
        }
        TokenCommand::Revoke { config, id } => {
            let snapshot = config.source().load()?;
            if !tokens::revoke(&snapshot.config.state_dir, &id).map_err(anyhow::Error::msg)? {
                anyhow::bail!("no token with id {id}");
            }
            eprintln!("Token {id} revoked.");
        }
    }
    Ok(())
}

fn print_demo_banner(store: &Store) {
    let snapshot = store.load();
    let port = snapshot.config.listen.public_https_port;
    eprintln!("\nSitegate demo — development CA and built-in demo backend (not for production).");
    for site in snapshot.policy.sites() {
        if let Some(host) = site.hosts.first() {
            eprintln!("  https://{host}:{port}/   ({})", site.access.as_str());
        }
    }
    if let Some(ca) = store.dev_ca() {
        eprintln!(
            "Trust the development CA ({}) or let curl use it: curl --cacert {} https://{}:{port}/\n",
            ca.ca_path().display(),
            ca.ca_path().display(),
            snapshot.policy.hostnames().next().unwrap_or("localhost"),
        );
    }
}
