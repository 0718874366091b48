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
    /// Run the gateway. Without --config, runs the embedded demo (four sites on
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
        /// Where to act.
        #[command(flatten)]
        target: TargetArg,
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
        /// Where to act.
        #[command(flatten)]
        target: TargetArg,
        /// The site, as `workspace/site`.
        site: String,
    },
    /// Publish a saved version of a site (its D1 migrations are applied first).
    Promote {
        /// Where to act.
        #[command(flatten)]
        target: TargetArg,
        /// The site, as `workspace/site`.
        site: String,
        /// The version id (from `versions`).
        version: String,
    },
    /// Make a site's previous production version production again.
    Rollback {
        /// Where to act.
        #[command(flatten)]
        target: TargetArg,
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
    /// dropped), never from the command line. The live version gets it at the next deploy, or
    /// at once with --now.
    Put {
        /// Where to act.
        #[command(flatten)]
        target: TargetArg,
        /// The site, as `workspace/site`.
        site: String,
        /// The secret's name (`env.NAME`).
        name: String,
        /// Roll the live version now with the new value.
        #[arg(long)]
        now: bool,
    },
    /// List a site's secrets: names and when each was set, never values.
    List {
        /// Where to act.
        #[command(flatten)]
        target: TargetArg,
        /// The site, as `workspace/site`.
        site: String,
    },
    /// Delete a secret of a site (the live version loses it at the next deploy, or at once
    /// with --now).
    Delete {
        /// Where to act.
        #[command(flatten)]
        target: TargetArg,
        /// The site, as `workspace/site`.
        site: String,
        /// The secret's name.
        name: String,
        /// Roll the live version now without it.
        #[arg(long)]
        now: bool,
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
        /// The workspace that issues it (not for --admin).
        #[arg(long, required_unless_present = "admin")]
        workspace: Option<String>,
        /// Site names (comma-separated): the sites an access token opens (required), or the
        /// only sites a deploy token may deploy to (default: all of the workspace's).
        #[arg(long, value_delimiter = ',', required_unless_present_any = ["deploy", "admin"])]
        sites: Vec<String>,
        /// A deploy token, for `sitegate deploy --gateway …`, instead of an access token.
        #[arg(long, conflicts_with = "admin")]
        deploy: bool,
        /// With --deploy: the person (email) it acts as; refused whenever their role is not
        /// one of the workspace's deploy_roles.
        #[arg(long, requires = "deploy")]
        user: Option<String>,
        /// An admin token: every admin action on every workspace.
        #[arg(long, conflicts_with_all = ["workspace", "sites"])]
        admin: bool,
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

/// Where a deploy or secret verb acts: on the state directory of a config (offline), or
/// through the admin API of a running gateway.
#[derive(Debug, Clone, Args)]
pub struct TargetArg {
    /// Config file (offline mode).
    #[command(flatten)]
    pub config: ConfigArg,
    /// A running gateway's admin listener, e.g. `https://localhost:9443`: act through its
    /// admin API, authenticated by the deploy or admin token in $SITEGATE_TOKEN (or the file
    /// --token-file names), instead of on a state directory.
    #[arg(long, env = "SITEGATE_GATEWAY", conflicts_with = "config")]
    pub gateway: Option<String>,
    /// A file holding the token (instead of $SITEGATE_TOKEN).
    #[arg(long, env = "SITEGATE_TOKEN_FILE", requires = "gateway")]
    pub token_file: Option<PathBuf>,
    /// A CA certificate (PEM) to trust for the gateway, such as `sitegate ca export` prints.
    #[arg(long, env = "SITEGATE_CA", requires = "gateway")]
    pub ca: Option<PathBuf>,
}
