//! The command line: `serve`, `check`, `deploy` and the version verbs, `token`, `secret` and
//! `ca export`.

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
    /// Manage service tokens: bearer credentials for machine callers, scoped to one workspace
    /// and some of its sites.
    Token {
        /// What to do.
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manage site secrets: encrypted in the state directory, seen by a worker site's code as
    /// `env.NAME`.
    Secret {
        /// What to do.
        #[command(subcommand)]
        command: SecretCommand,
    },
    /// Store a project directory as a new version of a worker site and publish it: its D1
    /// migrations are applied first, and if one fails the site keeps its current version.
    Deploy {
        /// Config file.
        #[command(flatten)]
        config: ConfigArg,
        /// The project directory (a wrangler project, a Codex Sites build or a plain worker).
        dir: PathBuf,
        /// The site, as `workspace/site`.
        #[arg(long)]
        site: String,
        /// Only store the version; publish it later with `promote`.
        #[arg(long)]
        save: bool,
    },
    /// List a site's versions: id, when and by whom saved, size, source, and which is live.
    Versions {
        /// Config file.
        #[command(flatten)]
        config: ConfigArg,
        /// The site, as `workspace/site`.
        site: String,
    },
    /// Publish a saved version of a site (its D1 migrations are applied first).
    Promote {
        /// Config file.
        #[command(flatten)]
        config: ConfigArg,
        /// The site, as `workspace/site`.
        site: String,
        /// The version id (from `versions`).
        version: String,
    },
    /// Make a site's previous production version production again.
    Rollback {
        /// Config file.
        #[command(flatten)]
        config: ConfigArg,
        /// The site, as `workspace/site`.
        site: String,
    },
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

/// `sitegate secret …`
#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Set a secret of a site; the value is read from standard input (a trailing newline is
    /// dropped). Running versions see it when they are next loaded.
    Put {
        /// Config file.
        #[command(flatten)]
        config: ConfigArg,
        /// The site, as `workspace/site`.
        #[arg(long)]
        site: String,
        /// The secret's name (`env.NAME`).
        name: String,
    },
    /// List the names of a site's secrets (never their values).
    List {
        /// Config file.
        #[command(flatten)]
        config: ConfigArg,
        /// The site, as `workspace/site`.
        #[arg(long)]
        site: String,
    },
    /// Delete a secret of a site.
    Delete {
        /// Config file.
        #[command(flatten)]
        config: ConfigArg,
        /// The site, as `workspace/site`.
        #[arg(long)]
        site: String,
        /// The secret's name.
        name: String,
    },
}

/// `sitegate token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token and print it once (it is stored only hashed). Callers send it as
    /// `Authorization: Bearer <token>`.
    Create {
        /// Config file.
        #[command(flatten)]
        config: ConfigArg,
        /// The workspace that issues it.
        #[arg(long)]
        workspace: String,
        /// Site names (comma-separated) it may open.
        #[arg(long, value_delimiter = ',', required = true)]
        sites: Vec<String>,
        /// How long it works, e.g. `30d`, `12h`.
        #[arg(long, default_value = "90d")]
        expires: String,
    },
    /// List tokens (id, workspace, sites, created, expires, revoked); never their secrets.
    List(ConfigArg),
    /// Revoke a token by id; the gateway refuses it from the next request on.
    Revoke {
        /// Config file.
        #[command(flatten)]
        config: ConfigArg,
        /// The token's id (from `token list`).
        id: String,
    },
}

/// The config file option shared by the verbs.
#[derive(Debug, Clone, Args)]
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
