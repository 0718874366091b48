//! The `sitegate.toml` file model: serde structs that mirror the file, strictly parsed.

use serde::Deserialize;

/// The whole `sitegate.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Where durable state lives (dev CA, keys, versions, data). Relative to the config file.
    pub state_dir: Option<String>,
    /// Parent domain of site hostnames: sites default to `<site>.<workspace>.<base_domain>`.
    pub base_domain: String,
    /// RBAC files or globs, relative to the config file.
    pub rbac: Vec<String>,
    /// Listening addresses.
    pub listen: ListenFile,
    /// Certificates.
    #[serde(default)]
    pub tls: TlsFile,
    /// Request limits and timeouts.
    #[serde(default)]
    pub limits: LimitsFile,
    /// Upstream proxying settings.
    #[serde(default)]
    pub proxy: ProxyFile,
    /// Logging.
    #[serde(default)]
    pub log: LogFile,
    /// Shutdown behaviour.
    #[serde(default)]
    pub shutdown: ShutdownFile,
    /// The built-in demo backend (for the embedded demo and for trying Sitegate out).
    pub demo_backend: Option<DemoBackendFile>,
    /// The built-in development identity provider, registered as the IdP named `dev`.
    pub dev_idp: Option<DevIdpFile>,
    /// The sign-in host and sessions.
    #[serde(default)]
    pub signin: SigninFile,
    /// OpenID Connect providers by name.
    #[serde(default)]
    pub idps: std::collections::BTreeMap<String, IdpFile>,
    #[serde(default)]
    pub workers: WorkersFile,
    /// Deployed site versions.
    #[serde(default)]
    pub deploy: DeployFile,
}

/// `[deploy]`: versions stored by `sitegate deploy`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployFile {
    /// Versions kept per site; older ones (never production) are deleted after a deploy.
    pub keep_versions: Option<u64>,
    /// Largest project a deploy takes, in MiB (files together, and the upload).
    pub max_size_mb: Option<u64>,
    /// Most files a project may have.
    pub max_files: Option<u64>,
}

/// `[listen]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenFile {
    /// The HTTPS listener, e.g. `0.0.0.0:443`.
    pub https: String,
    /// The plain HTTP listener that redirects to HTTPS.
    pub http: Option<String>,
    /// The admin listener (`/healthz`, `/metrics`); never reachable through a site hostname.
    pub admin: Option<String>,
    /// What the plain HTTP listener does: `redirect` (to HTTPS) or `proxy` (serve the sites over
    /// plain HTTP; only behind a TLS-terminating load balancer).
    pub http_mode: Option<String>,
    /// The HTTPS port that visitors see, when it differs from the listener's (behind NAT).
    pub public_https_port: Option<u16>,
}

/// `[tls]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFile {
    /// Issue certificates from a local development CA for hosts no file covers.
    #[serde(default)]
    pub dev_ca: bool,
    /// Path of the `cert` of one `[[tls.certificates]]` entry served when no name matches.
    pub default_certificate: Option<String>,
    /// Certificate and key files.
    #[serde(default)]
    pub certificates: Vec<CertificateFile>,
}

/// `[[tls.certificates]]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateFile {
    /// PEM certificate chain, leaf first.
    pub cert: String,
    /// PEM private key.
    pub key: String,
}

/// `[workers]`: the JavaScript runtime that runs worker sites.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkersFile {
    /// JS threads (default: one per core).
    pub threads: Option<u64>,
    /// Loaded site versions each thread keeps before evicting the least recently used.
    pub isolates_per_thread: Option<u64>,
    /// Heap limit of one site version, in MiB.
    pub memory_limit_mb: Option<u64>,
    /// CPU time one request may use, in milliseconds (sites may set their own `cpu_ms`).
    pub cpu_ms: Option<u64>,
    /// Heap of all loaded site versions together, in MiB.
    pub loaded_memory_mb: Option<u64>,
    /// How long a site version stays loaded without a request (`"10m"`).
    pub idle_timeout: Option<String>,
}

/// `[limits]`; durations are written like `"10s"` or `"2m"`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    /// Largest request header block accepted (431 above it).
    pub max_request_header_bytes: Option<u64>,
    /// Largest request body accepted (413 above it); sites may lower or raise it.
    pub max_body_bytes: Option<u64>,
    /// Longest time to read a request head before the connection is closed.
    pub header_read_timeout: Option<String>,
    /// Longest wait for a piece of the request body before the client is cut off (408).
    pub body_read_timeout: Option<String>,
    /// Longest idle time of a kept-alive client connection between requests.
    pub idle_timeout: Option<String>,
    /// Longest wait to connect to an upstream (502 after it).
    pub upstream_connect_timeout: Option<String>,
    /// Longest wait for an upstream to answer or send the next piece (504 after it).
    pub upstream_read_timeout: Option<String>,
}

/// `[proxy]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyFile {
    /// Peers (addresses or CIDR ranges) whose `X-Forwarded-*` and `X-Request-Id` are believed.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// PEM bundle of CAs that `https://` upstreams are verified against, instead of the
    /// system's trust store.
    pub upstream_ca_file: Option<String>,
}

/// `[log]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogFile {
    /// `text` or `json`.
    pub format: Option<String>,
    /// A `tracing` filter such as `info` or `sitegate=debug,info`.
    pub level: Option<String>,
}

/// `[shutdown]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShutdownFile {
    /// How long SIGTERM lets requests in flight finish.
    pub grace_period: Option<String>,
}

/// `[demo_backend]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoBackendFile {
    /// Loopback address the demo backend listens on.
    pub listen: String,
}

/// `[dev_idp]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevIdpFile {
    /// Turns the development identity provider on.
    pub enabled: bool,
}

/// `[signin]`: the sign-in host and session settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigninFile {
    /// Hostname of the sign-in host; default `auth.<base_domain>`.
    pub host: Option<String>,
    /// How long a site session lasts after sign-in.
    pub session_lifetime: Option<String>,
    /// A site session unused for this long ends.
    pub session_idle_timeout: Option<String>,
    /// How often the session encryption key is replaced (old keys keep opening sessions).
    pub key_rotation: Option<String>,
    /// Sign-in requests a client address may make at once.
    pub rate_limit_burst: Option<u32>,
    /// Sign-in requests a client address may make per minute, sustained.
    pub rate_limit_per_minute: Option<u32>,
}

/// `[idps.<name>]`: an OpenID Connect provider.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdpFile {
    /// Shown on the sign-in page; default: the IdP's name.
    pub display_name: Option<String>,
    /// Issuer URL; discovery is `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    /// OAuth client id.
    pub client_id: String,
    /// Environment variable holding the client secret.
    pub client_secret_env: Option<String>,
    /// File holding the client secret.
    pub client_secret_file: Option<String>,
    /// Scopes to request; default `["openid", "email", "profile"]`.
    pub scopes: Option<Vec<String>>,
    /// Claim names for email, name and groups.
    #[serde(default)]
    pub claims: ClaimsFile,
    /// Count the email claim even without `email_verified = true`.
    #[serde(default)]
    pub trusted_email: bool,
}

/// `[idps.<name>.claims]`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsFile {
    /// Claim with the email address; default `email`.
    pub email: Option<String>,
    /// Claim with the display name; default `name`.
    pub name: Option<String>,
    /// Claim with group names; default `groups`.
    pub groups: Option<String>,
}
