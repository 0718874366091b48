//! `sitegate`: terminates TLS for many site hostnames, maps each request to a site of a
//! workspace, enforces its access mode, and forwards allowed traffic to its backend.
#![forbid(unsafe_code)]

mod access;
mod access_log;
mod admin;
mod admit;
mod audit;
mod auth;
mod cli;
mod clock;
mod commands;
mod config;
mod confined;
mod console;
mod cookies;
mod demo;
mod deploy;
mod deployer;
mod error;
mod head_deadline;
mod headers;
mod html;
mod logging;
mod metrics;
mod origin;
mod outcome;
mod proxy;
mod reload;
mod request;
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
mod websocket;
mod worker;
mod worker_backend;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

/// The allocator: the proxy path allocates many small, short-lived buffers, which mimalloc
/// serves markedly faster than the system allocator (see bench/proxy.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use cli::{CaCommand, Cli, Command};
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
        Command::Token { command } => commands::token::run(command),
        Command::Secret { command } => commands::secret::run(command),
        Command::Deploy {
            target,
            dir,
            site,
            save,
        } => commands::deploy::deploy(&target, &site, &dir, save),
        Command::Versions { target, site } => commands::deploy::versions(&target, &site),
        Command::Promote {
            target,
            site,
            version,
        } => commands::deploy::promote(&target, &site, &version),
        Command::Rollback { target, site } => commands::deploy::rollback(&target, &site),
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
