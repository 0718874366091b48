//! The validated model: roles, access modes, sites and backends. Only the loader builds it,
//! so the hot path never sees an invalid state.

mod preview;
mod workspace;

use std::path::PathBuf;
use std::sync::Arc;

use crate::path::{NormalizedPath, PathCase, PathPattern};
pub use preview::{parse_preview_host, preview_host};
pub use workspace::{Group, MemberSource, Membership, Workspace};

/// A member's role in a workspace. Roles are ranked: owner > admin > member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A plain member.
    Member,
    /// A workspace administrator.
    Admin,
    /// A workspace owner.
    Owner,
}

impl Role {
    /// The names accepted in files, in the order they are listed in messages.
    pub const NAMES: &'static [&'static str] = &["owner", "admin", "member"];

    /// Parses a role name as written in a file.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    /// The role's name, as in files and the `sitegate-user-role` header.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    /// True for owners and admins.
    pub fn is_admin(self) -> bool {
        self >= Role::Admin
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who may open a site (or the paths of a rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessMode {
    /// Owners and admins of the site's workspace.
    AdminsOnly,
    /// Any member of the site's workspace.
    WorkspaceAll,
    /// Anyone matching one of the allow entries.
    Custom(AllowList),
    /// Anyone, signed in or not.
    Public,
}

impl AccessMode {
    /// The names accepted in files.
    pub const NAMES: &'static [&'static str] =
        &["admins_only", "workspace_all", "custom", "public"];

    /// The mode's name, as in files.
    pub fn as_str(&self) -> &'static str {
        match self {
            AccessMode::AdminsOnly => "admins_only",
            AccessMode::WorkspaceAll => "workspace_all",
            AccessMode::Custom(_) => "custom",
            AccessMode::Public => "public",
        }
    }
}

/// The allow entries of a `custom` mode. Entries are alternatives: matching any one allows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllowList {
    pub(crate) users: Vec<String>,
    pub(crate) groups: Vec<(String, usize)>,
    pub(crate) roles: Vec<Role>,
    pub(crate) email_domains: Vec<String>,
}

impl AllowList {
    /// Allowed users by email, lower case, sorted.
    pub fn users(&self) -> &[String] {
        &self.users
    }

    /// Allowed groups of the workspace, by name.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|(n, _)| n.as_str())
    }

    /// Allowed roles; each admits that role and every higher one.
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// Allowed email domains (exact match, lower case).
    pub fn email_domains(&self) -> &[String] {
        &self.email_domains
    }

    /// True when the list has no entry at all.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
            && self.groups.is_empty()
            && self.roles.is_empty()
            && self.email_domains.is_empty()
    }
}

/// A per-path rule: requests whose path matches (and whose method is listed, if any) are
/// judged by `access` instead of the site's mode. The most specific matching rule wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRule {
    /// Which paths.
    pub pattern: PathPattern,
    /// Which methods (upper case); empty means all. `GET` also covers `HEAD`.
    pub methods: Vec<String>,
    /// Who may open them.
    pub access: AccessMode,
}

impl PathRule {
    /// True when this rule applies to the request, its path compared by `case`.
    pub fn applies(&self, method: &str, path: &NormalizedPath, case: PathCase) -> bool {
        (self.methods.is_empty()
            || self
                .methods
                .iter()
                .any(|m| m == method || (m == "GET" && method == "HEAD")))
            && self.pattern.matches(path, case)
    }
}

/// Where allowed requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// An HTTP(S) server that Sitegate proxies to.
    Upstream(Upstream),
    /// A worker project run by Sitegate's runtime.
    Worker(WorkerBackend),
}

/// An upstream origin: `http` or `https`, a host, no user info, path, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// The URL as parsed.
    pub url: url::Url,
    /// True for `https`.
    pub tls: bool,
    /// Host name or IP address, without IPv6 brackets (use it for SNI).
    pub host: String,
    /// Port, explicit or the scheme's default.
    pub port: u16,
}

impl Upstream {
    /// `host:port` for connecting, with IPv6 addresses in brackets.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// A worker project and where its outbound `fetch` may go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerBackend {
    /// The project directory served until a version is deployed (`backend = { worker = "dir" }`),
    /// resolved relative to the RBAC file that names it; `None` for `backend = { deployed =
    /// true }`, which serves only deployed versions.
    pub dir: Option<PathBuf>,
    /// The site's outbound policy (`[sites.NAME.outbound]`).
    pub outbound: Outbound,
}

/// Which destinations a worker site's `fetch` may reach. The default allows any public host
/// and no private address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Outbound {
    /// Allowed destination hosts, if limited: lower-case host names, wildcards `*.example.com`
    /// (one or more labels in front of `example.com`, not `example.com` itself) and IP
    /// addresses (IPv6 without brackets). `None` allows any host.
    pub hosts: Option<Vec<String>>,
    /// Private networks the site may reach besides public addresses.
    pub private: Vec<ipnet::IpNet>,
}

/// One site: its hostnames, who may open it, and where its requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The workspace that owns the site.
    pub workspace: Arc<Workspace>,
    /// The site's name, unique across all workspaces.
    pub name: String,
    /// Lower-case hostnames, unique across all sites.
    pub hosts: Vec<String>,
    /// Who may open the site where no path rule applies.
    pub access: AccessMode,
    /// Path rules, most specific first.
    pub rules: Vec<PathRule>,
    /// How the path rules compare letters (`path_rules_case`; insensitive by default).
    pub path_case: PathCase,
    /// Where allowed requests go.
    pub backend: Backend,
    /// Largest request body accepted, if limited.
    pub max_body_bytes: Option<u64>,
    /// CPU time one request to a worker backend may use, in milliseconds, if the site sets it.
    pub cpu_ms: Option<u64>,
    /// Whether the site also gets the Codex Sites contract (its header names and sign-in
    /// paths), so apps built for that platform run unchanged.
    pub codex_sites: bool,
    /// IdPs besides the workspace's through which people may sign in to this site.
    pub external_idps: Vec<String>,
    /// Origins (`https://host[:port]`, as browsers send them) besides the site's own whose
    /// pages may open its WebSockets.
    pub websocket_origins: Vec<String>,
    /// For a preview of a saved version ([`Site::preview`]): that version's id.
    pub preview: Option<String>,
    pub(crate) id: String,
}

impl Site {
    /// `workspace/site`, for logs, audiences and tokens.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The access mode for one request, its path compared by `case`: the most specific
    /// applicable rule's, else the site's.
    pub fn access_for(&self, method: &str, path: &NormalizedPath, case: PathCase) -> &AccessMode {
        self.rule_for(method, path, case)
            .map_or(&self.access, |r| &r.access)
    }

    /// The most specific rule that applies to the request, its path compared by `case`.
    pub fn rule_for(
        &self,
        method: &str,
        path: &NormalizedPath,
        case: PathCase,
    ) -> Option<&PathRule> {
        self.rules.iter().find(|r| r.applies(method, path, case))
    }

    /// True when people may sign in to this site through `idp`.
    pub fn accepts_idp(&self, idp: &str) -> bool {
        self.workspace.idp == idp || self.external_idps.iter().any(|i| i == idp)
    }

    /// The IdPs the sign-in page offers for this site: the workspace's, then external ones.
    pub fn idps(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.workspace.idp.as_str())
            .chain(self.external_idps.iter().map(String::as_str))
    }
}
