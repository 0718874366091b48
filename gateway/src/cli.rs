//! The command line: `serve`, `check` and `ca export`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::snapshot::ConfigSource;

/// Sitegate: an identity and access gateway for the sites of many workspaces.
#[derive(Debug, Parser)]
#[command(name = "sitegate", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway. Without --config, runs the embedded demo (three sites on
    /// *.demo.localhost:8443 with a development CA and a built-in demo backend).
    Serve(ConfigArg),
    /// Validate the config and every RBAC file and certificate it names; print every problem
    /// with file, line, column and key, and exit non-zero if there is any.
    Check(ConfigArg),
    /// Manage the development CA.
    Ca {
        /// What to do with it.
        #[command(subcommand)]
        command: CaCommand,
    },
}

/// `sitegate ca …`
#[derive(Debug, Subcommand)]
pub enum CaCommand {
    /// Print the development CA certificate (PEM) so browsers and tools can trust it. Creates
    /// the CA in the state directory if it does not exist yet.
    Export(ConfigArg),
}

/// The config file option shared by the verbs.
#[derive(Debug, Args)]
pub struct ConfigArg {
    /// Path of sitegate.toml; the embedded demo config when omitted.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl ConfigArg {
    /// Where the config comes from.
    pub fn source(&self) -> ConfigSource {
        match &self.config {
            Some(path) => ConfigSource::File(path.clone()),
            None => ConfigSource::Embedded,
        }
    }
}
