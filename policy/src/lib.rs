//! RBAC model and access decisions for Sitegate.
//!
//! Load every workspace's RBAC file into an immutable [`Policy`] snapshot with
//! [`Policy::load`] (or [`Policy::from_sources`]); find the site for a request's host with
//! [`Policy::site_for_host`]; normalize the path once with [`normalize_path`]; then ask
//! [`decide`]. Configuration problems come back as [`Diagnostics`] with file, line, column
//! and key; [`parse_toml`] is the same strict loader, reusable for other TOML files.
//!
//! The file format and the decision rules are documented in `docs/rbac.md`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod build;
mod decide;
pub mod diag;
mod email;
mod error;
mod file;
mod model;
pub mod path;
mod principal;
mod snapshot;

pub use decide::{decide, decide_mode, Allowed, Decision, DenyReason, Grant};
pub use diag::{parse_toml, Diagnostic, Diagnostics, SpanIndex};
pub use email::{parse_config_domain, parse_config_email, parse_hostname, Email};
pub use error::PolicyError;
pub use model::{
    parse_preview_host, preview_host, AccessMode, AllowList, Backend, Group, MemberSource,
    Membership, Outbound, PathRule, Role, Site, Upstream, WorkerBackend, Workspace,
};
pub use path::{
    check_unambiguous, normalize_path, NormalizedPath, PathCase, PathError, PathPattern,
};
pub use principal::{Principal, ServicePrincipal, UserPrincipal};
pub use snapshot::{LoadContext, Policy};
