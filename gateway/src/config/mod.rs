//! `sitegate.toml`: parsing the file model and validating it into [`Config`], which cannot
//! hold an invalid state. Every problem is reported at once, with file, line, column and key.

mod file;
mod signin;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use certs::{CertSource, LoadedCert};
use ipnet::IpNet;
use policy::diag::{parse_toml, Diagnostic, Diagnostics, SpanIndex};

use file::{ConfigFile, DeployFile, LimitsFile, WorkersFile};
pub use signin::{ClientSecret, IdpConfig, SigninConfig};

/// The validated gateway configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from (or `<embedded demo>`), for messages.
    pub source: PathBuf,
    /// Directory of durable state.
    pub state_dir: PathBuf,
    /// Parent domain of default site hostnames.
    pub base_domain: String,
    /// The RBAC files, globs expanded, in a stable order.
    pub rbac_files: Vec<PathBuf>,
    /// Listening addresses.
    pub listen: Listen,
    /// Certificates.
    pub tls: TlsConfig,
    /// Limits and timeouts.
    pub limits: Limits,
    /// Peers whose forwarding headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// CAs for verifying `https://` upstreams (the system's store when `None`).
    pub upstream_ca_file: Option<PathBuf>,
    /// Logging.
    pub log: LogConfig,
    /// How long SIGTERM lets requests in flight finish.
    pub shutdown_grace: Duration,
    /// Address of the built-in demo backend, when on.
    pub demo_backend: Option<SocketAddr>,
    /// Whether the development identity provider (IdP `dev`) is on.
    pub dev_idp: bool,
    /// The sign-in host and sessions.
    pub signin: SigninConfig,
    /// OpenID Connect providers, by name.
    pub idps: Vec<IdpConfig>,
    /// The worker runtime.
    pub workers: WorkersConfig,
    /// Deployed site versions.
    pub deploy: DeployConfig,
}

/// How deployed versions are kept.
#[derive(Debug, Clone, Copy)]
pub struct DeployConfig {
    /// Versions kept per site.
    pub keep_versions: usize,
    /// What one version may hold.
    pub limits: TreeLimits,
}

/// How much one deployed version may hold (`deploy::tree` counts a tree against it).
#[derive(Debug, Clone, Copy)]
pub struct TreeLimits {
    /// Bytes of all files together.
    pub max_bytes: u64,
    /// Number of files.
    pub max_files: usize,
}

/// The worker runtime's size and the default limits of a site version.
#[derive(Debug, Clone, Copy)]
pub struct WorkersConfig {
    /// JS threads, how many site versions they keep loaded, and for how long.
    pub pool: runtime::PoolOptions,
    /// Limits of a site version that sets none of its own.
    pub limits: runtime::Limits,
}

/// Listening addresses.
#[derive(Debug, Clone)]
pub struct Listen {
    /// HTTPS for site hostnames.
    pub https: SocketAddr,
    /// Plain HTTP, redirecting to HTTPS.
    pub http: Option<SocketAddr>,
    /// What the plain HTTP listener does.
    pub http_mode: HttpMode,
    /// Admin endpoints.
    pub admin: Option<SocketAddr>,
    /// The port visitors use for HTTPS (redirect targets).
    pub public_https_port: u16,
}

/// What the plain HTTP listener does with requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMode {
    /// Redirect to HTTPS (308), keeping path and query.
    Redirect,
    /// Serve the sites over plain HTTP (behind a TLS-terminating load balancer).
    Proxy,
}

/// Certificate configuration.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    /// Issue development certificates for uncovered hosts.
    pub dev_ca: bool,
    /// Certificate files.
    pub certificates: Vec<CertSource>,
    /// The certificates, loaded and checked (readable, key matches, not expired).
    pub loaded: Vec<LoadedCert>,
    /// Index into `certificates` of the default certificate.
    pub default: Option<usize>,
}

/// Limits and timeouts.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request header block (431 above it).
    pub max_request_header_bytes: usize,
    /// Largest request body by default (413 above it).
    pub max_body_bytes: u64,
    /// Longest time to read a request head, from its first byte (or from the connection's
    /// start, for the first request); then the connection is closed.
    pub header_read_timeout: Duration,
    /// Longest wait for a piece of the request body (408).
    pub body_read_timeout: Duration,
    /// Longest idle time between requests on a kept-alive connection.
    pub idle_timeout: Duration,
    /// Upstream connect timeout (502).
    pub upstream_connect_timeout: Duration,
    /// Upstream read timeout (504).
    pub upstream_read_timeout: Duration,
}

/// Log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Logging configuration.
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// Line format.
    pub format: LogFormat,
    /// `tracing` filter directive.
    pub level: String,
}

/// The embedded default: a demo config with the built-in demo backend and development IdP.
pub const EMBEDDED_CONFIG: &str = include_str!("../../../examples/demo/sitegate.toml");
/// The embedded default's RBAC file.
pub const EMBEDDED_RBAC: &str = include_str!("../../../examples/rbac/demo.toml");
/// The name the embedded default is reported under.
pub const EMBEDDED_NAME: &str = "<embedded demo>/sitegate.toml";

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, Diagnostics> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostics(vec![Diagnostic {
                file: path.to_path_buf(),
                line: 0,
                column: 0,
                key: String::new(),
                message: format!("cannot read the config file: {e}"),
            }])
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse(path, &text, base, true)
    }

    /// The embedded demo config; its state lives in `./sitegate-data`.
    pub fn embedded() -> Result<Config, Diagnostics> {
        let mut config = Config::parse(
            Path::new(EMBEDDED_NAME),
            EMBEDDED_CONFIG,
            Path::new("."),
            false,
        )?;
        config.rbac_files = vec![PathBuf::from("<embedded demo>/rbac/demo.toml")];
        Ok(config)
    }

    /// Validates config text. `base` resolves relative paths; `expand_rbac` globs the RBAC
    /// patterns on disk (off for the embedded config, whose RBAC file is embedded too).
    pub fn parse(
        path: &Path,
        text: &str,
        base: &Path,
        expand_rbac: bool,
    ) -> Result<Config, Diagnostics> {
        let (file, spans): (ConfigFile, SpanIndex) = parse_toml(path, text)?;
        let mut errors = Vec::new();
        let mut check = Checker {
            spans: &spans,
            errors: &mut errors,
        };

        let https = check.addr("listen.https", &file.listen.https);
        let http = file
            .listen
            .http
            .as_deref()
            .and_then(|a| check.addr("listen.http", a));
        let admin = file
            .listen
            .admin
            .as_deref()
            .and_then(|a| check.addr("listen.admin", a));
        let http_mode = match file.listen.http_mode.as_deref() {
            None | Some("redirect") => HttpMode::Redirect,
            Some("proxy") => HttpMode::Proxy,
            Some(other) => {
                check.error(
                    "listen.http_mode",
                    format!("unknown mode \"{other}\"; expected one of redirect, proxy"),
                );
                HttpMode::Redirect
            }
        };
        if admin.is_some() && (admin == https || admin == http) {
            check.error("listen.admin", "must differ from the site listeners: admin endpoints are never reachable through a site hostname");
        }
        let certificates: Vec<CertSource> = file
            .tls
            .certificates
            .iter()
            .map(|c| CertSource {
                cert: base.join(&c.cert),
                key: base.join(&c.key),
            })
            .collect();
        let default = file.tls.default_certificate.as_ref().and_then(|d| {
            let found = file.tls.certificates.iter().position(|c| &c.cert == d);
            if found.is_none() {
                let known: Vec<&str> = file.tls.certificates.iter().map(|c| c.cert.as_str()).collect();
                check.error(
                    "tls.default_certificate",
                    format!("\"{d}\" is not the cert of any [[tls.certificates]] entry; expected one of: {}", known.join(", ")),
                );
            }
            found
        });
        let loaded = certificates
            .iter()
            .enumerate()
            .filter_map(|(i, source)| {
                certs::load_pair(source)
                    .map_err(|e| check.error(&format!("tls.certificates[{i}]"), e.to_string()))
                    .ok()
            })
            .collect();
        if certificates.is_empty() && !file.tls.dev_ca {
            check.error(
                "tls",
                "no certificates configured: add [[tls.certificates]] entries or set dev_ca = true",
            );
        }
        let limits = check.limits(&file.limits);
        let trusted_proxies = file
            .proxy
            .trusted_proxies
            .iter()
            .enumerate()
            .filter_map(|(i, p)| check.ip_net(&format!("proxy.trusted_proxies[{i}]"), p))
            .collect();
        let base_domain = file.base_domain.trim_end_matches('.').to_ascii_lowercase();
        if base_domain.is_empty() || base_domain.contains(['/', ':', ' ']) {
            check.error(
                "base_domain",
                format!("\"{}\" is not a domain name", file.base_domain),
            );
        }
        let upstream_ca_file = file.proxy.upstream_ca_file.as_ref().map(|f| base.join(f));
        if let Some(path) = &upstream_ca_file {
            if let Err(e) = std::fs::read(path) {
                check.error(
                    "proxy.upstream_ca_file",
                    format!("cannot read {}: {e}", path.display()),
                );
            }
        }
        let log = LogConfig {
            format: match file.log.format.as_deref() {
                None | Some("text") => LogFormat::Text,
                Some("json") => LogFormat::Json,
                Some(other) => {
                    check.error(
                        "log.format",
                        format!("unknown format \"{other}\"; expected one of text, json"),
                    );
                    LogFormat::Text
                }
            },
            level: file.log.level.clone().unwrap_or_else(|| "info".into()),
        };
        let shutdown_grace = check.duration(
            "shutdown.grace_period",
            file.shutdown.grace_period.as_deref(),
            10,
        );
        let demo_backend = file.demo_backend.as_ref().and_then(|d| {
            let addr = check.addr("demo_backend.listen", &d.listen)?;
            if !addr.ip().is_loopback() {
                check.error(
                    "demo_backend.listen",
                    "must be a loopback address such as 127.0.0.1:8781",
                );
            }
            Some(addr)
        });
        let rbac_files = if expand_rbac {
            check.rbac_files(base, &file.rbac)
        } else {
            Vec::new()
        };
        let signin = check.signin(&file.signin, &base_domain);
        let workers = check.workers(&file.workers);
        let deploy = check.deploy(&file.deploy);
        let idps: Vec<IdpConfig> = file
            .idps
            .iter()
            .filter_map(|(name, idp)| check.idp(name, idp, base))
            .collect();
        let Some(https) = https.filter(|_| errors.is_empty()) else {
            return Err(Diagnostics(errors));
        };
        let listen = Listen {
            https,
            http,
            http_mode,
            admin,
            public_https_port: file.listen.public_https_port.unwrap_or(https.port()),
        };
        Ok(Config {
            source: path.to_path_buf(),
            state_dir: base.join(file.state_dir.as_deref().unwrap_or("sitegate-data")),
            base_domain,
            rbac_files,
            listen,
            tls: TlsConfig {
                dev_ca: file.tls.dev_ca,
                certificates,
                loaded,
                default,
            },
            limits,
            trusted_proxies,
            upstream_ca_file,
            log,
            shutdown_grace,
            demo_backend,
            dev_idp: file.dev_idp.is_some_and(|d| d.enabled),
            signin,
            idps,
            workers,
            deploy,
        })
    }

    /// Runs `f` with what validating RBAC files against this config needs: the base domain,
    /// the IdP names and those trusted for email.
    pub fn with_policy_context<T>(&self, f: impl FnOnce(&policy::LoadContext<'_>) -> T) -> T {
        let idps = self.idp_names();
        let trusted: Vec<String> = self
            .idps
            .iter()
            .filter(|i| i.trusted_email)
            .map(|i| i.name.clone())
            .collect();
        f(&policy::LoadContext {
            base_domain: &self.base_domain,
            idps: &idps,
            email_trusted_idps: &trusted,
        })
    }

    /// Names of the identity providers that RBAC files may reference.
    pub fn idp_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.idps.iter().map(|i| i.name.clone()).collect();
        if self.dev_idp {
            names.push("dev".to_string());
        }
        names
    }

    /// Whether `ip` is a configured trusted proxy.
    pub fn is_trusted_proxy(&self, ip: std::net::IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&ip))
    }
}

/// Collects diagnostics while converting file values into validated ones.
struct Checker<'a> {
    spans: &'a SpanIndex,
    errors: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, key: &str, message: impl Into<String>) {
        self.errors.push(self.spans.diag(key, message));
    }

    fn addr(&mut self, key: &str, value: &str) -> Option<SocketAddr> {
        let parsed = value.parse().ok();
        if parsed.is_none() {
            self.error(key, format!("\"{value}\" is not an address; expected IP:PORT such as 127.0.0.1:8443 or [::]:443"));
        }
        parsed
    }

    fn ip_net(&mut self, key: &str, value: &str) -> Option<IpNet> {
        let parsed = value
            .parse::<IpNet>()
            .ok()
            .or_else(|| value.parse::<std::net::IpAddr>().ok().map(IpNet::from));
        if parsed.is_none() {
            self.error(key, format!("\"{value}\" is not an address or CIDR range; expected e.g. 10.0.0.0/8 or 127.0.0.1"));
        }
        parsed
    }

    fn duration(&mut self, key: &str, value: Option<&str>, default_secs: u64) -> Duration {
        match value {
            None => Duration::from_secs(default_secs),
            Some(text) => humantime::parse_duration(text).unwrap_or_else(|e| {
                self.error(key, format!("\"{text}\" is not a duration ({e}); expected e.g. \"500ms\", \"30s\", \"2m\""));
                Duration::from_secs(default_secs)
            }),
        }
    }

    /// A whole number in `range`, or the default (with an error naming the key if outside).
    fn count(
        &mut self,
        key: &str,
        value: Option<u64>,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> u64 {
        let value = value.unwrap_or(default);
        if !range.contains(&value) {
            self.error(
                key,
                format!(
                    "{value} is out of range; expected {} to {}",
                    range.start(),
                    range.end()
                ),
            );
            return default;
        }
        value
    }

    fn deploy(&mut self, file: &DeployFile) -> DeployConfig {
        DeployConfig {
            keep_versions: self.count("deploy.keep_versions", file.keep_versions, 20, 1..=10_000)
                as usize,
            limits: TreeLimits {
                max_bytes: self.count("deploy.max_size_mb", file.max_size_mb, 100, 1..=1 << 20)
                    << 20,
                max_files: self.count("deploy.max_files", file.max_files, 20_000, 1..=1_000_000)
                    as usize,
            },
        }
    }

    fn workers(&mut self, file: &WorkersFile) -> WorkersConfig {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
        let defaults = runtime::Limits::default();
        let pool = runtime::PoolOptions::default();
        WorkersConfig {
            pool: runtime::PoolOptions {
                threads: self.count("workers.threads", file.threads, cores, 1..=256) as usize,
                isolates_per_thread: self.count(
                    "workers.isolates_per_thread",
                    file.isolates_per_thread,
                    pool.isolates_per_thread as u64,
                    1..=100_000,
                ) as usize,
                loaded_memory_bytes: (self.count(
                    "workers.loaded_memory_mb",
                    file.loaded_memory_mb,
                    (pool.loaded_memory_bytes >> 20) as u64,
                    16..=1 << 20,
                ) as usize)
                    << 20,
                idle_timeout: self.duration(
                    "workers.idle_timeout",
                    file.idle_timeout.as_deref(),
                    pool.idle_timeout.as_secs(),
                ),
            },
            limits: runtime::Limits {
                memory_bytes: (self.count(
                    "workers.memory_limit_mb",
                    file.memory_limit_mb,
                    (defaults.memory_bytes >> 20) as u64,
                    4..=4096,
                ) as usize)
                    << 20,
                cpu_per_call: Duration::from_millis(self.count(
                    "workers.cpu_ms",
                    file.cpu_ms,
                    defaults.cpu_per_call.as_millis() as u64,
                    1..=300_000,
                )),
                ..defaults
            },
        }
    }

    fn limits(&mut self, file: &LimitsFile) -> Limits {
        let header = file.max_request_header_bytes.unwrap_or(64 * 1024);
        if !(1024..=1024 * 1024).contains(&header) {
            self.error(
                "limits.max_request_header_bytes",
                format!("{header} is out of range; expected 1024 to 1048576"),
            );
        }
        Limits {
            max_request_header_bytes: header as usize,
            max_body_bytes: file.max_body_bytes.unwrap_or(100 * 1024 * 1024),
            header_read_timeout: self.duration(
                "limits.header_read_timeout",
                file.header_read_timeout.as_deref(),
                15,
            ),
            body_read_timeout: self.duration(
                "limits.body_read_timeout",
                file.body_read_timeout.as_deref(),
                30,
            ),
            idle_timeout: self.duration("limits.idle_timeout", file.idle_timeout.as_deref(), 60),
            upstream_connect_timeout: self.duration(
                "limits.upstream_connect_timeout",
                file.upstream_connect_timeout.as_deref(),
                5,
            ),
            upstream_read_timeout: self.duration(
                "limits.upstream_read_timeout",
                file.upstream_read_timeout.as_deref(),
                60,
            ),
        }
    }

    fn rbac_files(&mut self, base: &Path, patterns: &[String]) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for (i, pattern) in patterns.iter().enumerate() {
            let key = format!("rbac[{i}]");
            let full = base.join(pattern);
            let matched: Vec<PathBuf> = match glob::glob(&full.to_string_lossy()) {
                Ok(paths) => paths
                    .filter_map(Result::ok)
                    .filter(|p| p.is_file())
                    .collect(),
                Err(e) => {
                    self.error(
                        &key,
                        format!("\"{pattern}\" is not a valid path or glob: {e}"),
                    );
                    continue;
                }
            };
            if matched.is_empty() {
                self.error(
                    &key,
                    format!(
                        "\"{pattern}\" matches no file (looked for {})",
                        full.display()
                    ),
                );
            }
            for path in matched {
                if !files.contains(&path) {
                    files.push(path);
                }
            }
        }
        files
    }
}
