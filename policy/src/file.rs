//! The RBAC file as written: serde structs that mirror the TOML, strict about keys and
//! lenient about values (words stay strings so validation can report every bad one).

use std::collections::BTreeMap;

use serde::Deserialize;

/// One RBAC file: a workspace, its members, groups and sites.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RbacFile {
    pub workspace: WorkspaceFile,
    #[serde(default)]
    pub members: BTreeMap<String, String>,
    #[serde(default)]
    pub groups: BTreeMap<String, GroupFile>,
    #[serde(default)]
    pub sites: BTreeMap<String, SiteFile>,
}

/// `[workspace]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkspaceFile {
    pub id: String,
    pub name: Option<String>,
    pub idp: String,
    #[serde(default)]
    pub email_domains: Vec<String>,
    pub deploy_roles: Option<Vec<String>>,
}

/// `[groups.NAME]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupFile {
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub idp_groups: Vec<String>,
}

/// `[sites.NAME]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SiteFile {
    pub hosts: Option<Vec<String>>,
    pub access: String,
    pub allow: Option<AllowFile>,
    #[serde(default)]
    pub external_idps: Vec<String>,
    pub max_body_bytes: Option<u64>,
    /// CPU time one request to a worker backend may use, in milliseconds.
    pub cpu_ms: Option<u64>,
    /// Serve the Codex Sites contract too (`oai-authenticated-*` headers, sign-in paths).
    #[serde(default)]
    pub codex_sites: bool,
    pub backend: BackendFile,
    #[serde(default)]
    pub rules: Vec<RuleFile>,
    /// How path rules compare letters: `insensitive` (the default) or `sensitive`.
    pub path_rules_case: Option<String>,
    /// Where a worker backend's outbound `fetch` may go.
    pub outbound: Option<OutboundFile>,
    /// Origins besides the site's own whose pages may open its WebSockets.
    #[serde(default)]
    pub websocket_origins: Vec<String>,
}

/// `[sites.NAME.outbound]`: `hosts = ["api.example.com", "*.stripe.com"]`,
/// `private = ["10.1.2.0/24"]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutboundFile {
    pub hosts: Option<Vec<String>>,
    #[serde(default)]
    pub private: Vec<String>,
}

/// `allow = { users = [...], groups = [...], roles = [...], email_domains = [...] }`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AllowFile {
    #[serde(default)]
    pub users: Vec<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub email_domains: Vec<String>,
}

/// `backend = { upstream = "https://..." }`, `backend = { worker = "dir" }` or
/// `backend = { deployed = true }`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BackendFile {
    pub upstream: Option<String>,
    pub worker: Option<String>,
    pub deployed: Option<bool>,
}

/// `[[sites.NAME.rules]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    pub path: String,
    pub access: String,
    pub allow: Option<AllowFile>,
    #[serde(default)]
    pub methods: Vec<String>,
}
