//! `PolicyError`: every problem the RBAC loader can report, with the context a user needs.

use std::fmt;

/// A problem found while loading or validating a configuration file.
///
/// Each variant renders as the message part of a [`crate::Diagnostic`]; the file, line,
/// column and key come from where the diagnostic is attached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read file: {0}")]
    Io(String),
    /// The text is not valid TOML.
    #[error("invalid TOML: {0}")]
    Syntax(String),
    /// A key that the format does not know.
    #[error("unknown key {key:?}; {expected}")]
    UnknownKey {
        /// The key as written.
        key: String,
        /// The accepted keys, already phrased ("expected one of a, b").
        expected: String,
    },
    /// A value of the wrong type or shape, as reported by the deserializer.
    #[error("{0}")]
    Type(String),
    /// A word that is not one of a fixed set (access mode, role, ...).
    #[error("unknown {what} {value:?}; expected one of {}", Expected(expected))]
    UnknownValue {
        /// What kind of word this is ("access mode", "role").
        what: &'static str,
        /// The value as written.
        value: String,
        /// The accepted values.
        expected: &'static [&'static str],
    },
    /// A name, host or id that must be unique and was already used.
    #[error("{what} {value:?} is already used at {first}")]
    Duplicate {
        /// What kind of name ("site name", "hostname").
        what: &'static str,
        /// The repeated value.
        value: String,
        /// `file:line:column` of the first use.
        first: String,
    },
    /// `access = "custom"` without any allow entry.
    #[error("access \"custom\" needs at least one allow entry; expected one or more of users, groups, roles, email_domains")]
    EmptyAllowList,
    /// An `allow` table on something whose access mode is not `custom`.
    #[error("allow is only read when access = \"custom\" (access here is {access:?})")]
    AllowWithoutCustom {
        /// The access mode that was given.
        access: String,
    },
    /// A reference to a group that the workspace does not define.
    #[error(
        "undefined group {name:?}; {}",
        defined_list("defined groups", defined)
    )]
    UndefinedGroup {
        /// The group name as written.
        name: String,
        /// The groups the workspace defines.
        defined: Vec<String>,
    },
    /// A reference to an identity provider that sitegate.toml does not define.
    #[error(
        "undefined identity provider {name:?}; {}",
        defined_list("identity providers defined in sitegate.toml", defined)
    )]
    UndefinedIdp {
        /// The IdP name as written.
        name: String,
        /// The IdPs sitegate.toml defines.
        defined: Vec<String>,
    },
    /// An email address that does not parse strictly.
    #[error("malformed email {value:?}: {reason}")]
    BadEmail {
        /// The value as written.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A DNS domain or hostname that is not valid.
    #[error("malformed {what} {value:?}: {reason}")]
    BadDomain {
        /// "domain" or "hostname".
        what: &'static str,
        /// The value as written.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An identifier (workspace id, site or group name) with characters it may not hold.
    #[error("invalid {what} {value:?}: use 1 to 63 lowercase letters, digits and '-', not starting or ending with '-'")]
    BadName {
        /// What kind of identifier.
        what: &'static str,
        /// The value as written.
        value: String,
    },
    /// A path rule that no normalized request path can ever reach.
    #[error("path rule {value:?} can never match: {reason}")]
    UnmatchableRule {
        /// The rule's path as written.
        value: String,
        /// Why, and what to write instead.
        reason: String,
    },
    /// An HTTP method name that is not an upper-case token.
    #[error("invalid method {value:?}: methods are case-sensitive upper-case tokens such as GET, POST, DELETE")]
    BadMethod {
        /// The value as written.
        value: String,
    },
    /// An upstream URL that Sitegate cannot proxy to.
    #[error("bad upstream URL {value:?}: {reason}")]
    BadUpstream {
        /// The value as written.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A backend table without exactly one of `upstream`, `worker` and `deployed = true`.
    #[error(
        "backend needs exactly one of upstream = \"https://…\", worker = \"dir\", deployed = true"
    )]
    BadBackend,
    /// A worker directory that is empty or holds a NUL byte.
    #[error(
        "bad worker directory {value:?}: expected a non-empty directory path relative to this file"
    )]
    BadWorkerDir {
        /// The value as written.
        value: String,
    },
    /// A numeric limit that must be positive.
    #[error("{what} must be greater than 0")]
    NotPositive {
        /// The setting's name.
        what: &'static str,
    },
    /// A list or name that must not be empty.
    #[error("{what} must not be empty")]
    Empty {
        /// What was empty.
        what: &'static str,
    },
    /// An outbound destination host that is not a host name, wildcard or IP address.
    #[error("bad outbound host {value:?}: {reason}; expected a host name (api.example.com), a wildcard (*.example.com) or an IP address")]
    BadOutboundHost {
        /// The value as written.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A private network that is not an address or a CIDR network.
    #[error("bad private network {value:?}: {reason}; expected an address or a CIDR network such as 10.1.2.0/24, 127.0.0.1/32 or fd00::/8")]
    BadNetwork {
        /// The value as written.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A `websocket_origins` entry that is not an origin.
    #[error("bad WebSocket origin {value:?}: {reason}; expected an origin such as https://app.example.com or https://app.example.com:8443")]
    BadOrigin {
        /// The value as written.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An `outbound` table on a site whose backend is not a worker.
    #[error("outbound is only read for worker backends; this site's backend is an upstream")]
    OutboundWithoutWorker,
    /// A site without hosts whose default host cannot be formed.
    #[error("no hosts given and the default host {value:?} is not a valid hostname: {reason}")]
    BadDefaultHost {
        /// The default host that was tried.
        value: String,
        /// Why it is not valid.
        reason: &'static str,
    },
}

impl From<PolicyError> for String {
    fn from(e: PolicyError) -> String {
        e.to_string()
    }
}

/// Renders a fixed list of accepted words as `a, b, c`.
struct Expected<'a>(&'a [&'a str]);

impl fmt::Display for Expected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

fn defined_list(label: &str, defined: &[String]) -> String {
    if defined.is_empty() {
        format!("no {label}")
    } else {
        format!("expected one of {} ({label})", defined.join(", "))
    }
}
