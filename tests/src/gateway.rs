//! Starting and stopping a real `sitegate serve` with a generated config in a temp dir.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::client::Client;
use crate::{free_port, sitegate_bin};

/// Builds a config directory: `sitegate.toml`, RBAC files, and any extra files.
pub struct GatewayBuilder {
    dir: tempfile::TempDir,
    extra_toml: String,
    limits_toml: String,
    tls_toml: String,
    listen_toml: String,
    signin_toml: String,
    grace: String,
    rbac: Vec<(String, String)>,
    https: u16,
    http: u16,
    admin: u16,
}

impl Default for GatewayBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl GatewayBuilder {
    /// An empty config with free ports and a development CA.
    pub fn new() -> Self {
        GatewayBuilder {
            dir: tempfile::tempdir().expect("temp dir"),
            extra_toml: String::new(),
            limits_toml: String::new(),
            tls_toml: String::new(),
            listen_toml: String::new(),
            // Every test client is 127.0.0.1: a generous sign-in rate limit unless a test sets one.
            signin_toml: "rate_limit_burst = 1000\nrate_limit_per_minute = 60000\n".to_string(),
            grace: "1s".to_string(),
            rbac: Vec::new(),
            https: free_port(),
            http: free_port(),
            admin: free_port(),
        }
    }

    /// Adds an RBAC file `rbac/<name>.toml`.
    pub fn rbac(mut self, name: &str, text: &str) -> Self {
        self.rbac.push((name.to_string(), text.to_string()));
        self
    }

    /// Adds lines to the `[limits]` table.
    pub fn limits(mut self, toml: &str) -> Self {
        self.limits_toml.push_str(toml);
        self.limits_toml.push('\n');
        self
    }

    /// Sets `[shutdown] grace_period`.
    pub fn grace_period(mut self, value: &str) -> Self {
        self.grace = value.to_string();
        self
    }

    /// Replaces the `[signin]` table's lines.
    pub fn signin(mut self, toml: &str) -> Self {
        self.signin_toml = format!("{toml}\n");
        self
    }

    /// Adds lines to the `[listen]` table.
    pub fn listen(mut self, toml: &str) -> Self {
        self.listen_toml.push_str(toml);
        self.listen_toml.push('\n');
        self
    }

    /// Adds lines to the `[tls]` table.
    pub fn tls(mut self, toml: &str) -> Self {
        self.tls_toml.push_str(toml);
        self.tls_toml.push('\n');
        self
    }

    /// Appends raw TOML (other tables) to `sitegate.toml`.
    pub fn extra(mut self, toml: &str) -> Self {
        self.extra_toml.push_str(toml);
        self.extra_toml.push('\n');
        self
    }

    /// The config directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Writes the files and returns the config path.
    pub fn write(&self) -> PathBuf {
        let dir = self.dir.path();
        std::fs::create_dir_all(dir.join("rbac")).expect("rbac dir");
        for (name, text) in &self.rbac {
            std::fs::write(dir.join("rbac").join(format!("{name}.toml")), text)
                .expect("write rbac");
        }
        let config = format!(
            "base_domain = \"test.localhost\"\nstate_dir = \"state\"\nrbac = [\"rbac/*.toml\"]\n\n\
[listen]\nhttps = \"127.0.0.1:{}\"\nhttp = \"127.0.0.1:{}\"\nadmin = \"127.0.0.1:{}\"\n{}\n\
[tls]\ndev_ca = true\n{}\n[shutdown]\ngrace_period = \"{}\"\n\n[signin]\n{}\n[limits]\n{}\n{}",
            self.https,
            self.http,
            self.admin,
            self.listen_toml,
            self.tls_toml,
            self.grace,
            self.signin_toml,
            self.limits_toml,
            self.extra_toml
        );
        let path = dir.join("sitegate.toml");
        std::fs::write(&path, config).expect("write config");
        path
    }

    /// Runs `sitegate check` on the written config.
    pub fn check(&self) -> Output {
        let path = self.write();
        Command::new(sitegate_bin())
            .arg("check")
            .arg("--config")
            .arg(path)
            .output()
            .expect("run sitegate check")
    }

    /// Starts the gateway and waits until its admin listener answers as this process. Ports
    /// are picked before the gateway binds them, so another test may take one first: then the
    /// gateway exits, and it is started again on new ports.
    pub fn start(mut self) -> Gateway {
        for _ in 0..5 {
            let config = self.write();
            let log =
                std::fs::File::create(self.dir.path().join("sitegate.log")).expect("log file");
            let child = Command::new(sitegate_bin())
                .arg("serve")
                .arg("--config")
                .arg(&config)
                .env("SITEGATE_LOG", "info")
                .stdout(Stdio::null())
                .stderr(log.try_clone().expect("log handle"))
                .spawn()
                .expect("spawn sitegate");
            let mut gateway = Gateway {
                child,
                builder: self,
                config,
            };
            if gateway.wait_ready() {
                return gateway;
            }
            let _ = gateway.child.kill();
            let _ = gateway.child.wait();
            let mut builder =
                std::mem::replace(&mut gateway.builder, GatewayBuilder::placeholder());
            std::mem::forget(gateway);
            builder.https = free_port();
            builder.http = free_port();
            builder.admin = free_port();
            self = builder;
        }
        panic!(
            "sitegate did not start in 5 attempts; last log:\n{}",
            std::fs::read_to_string(self.dir.path().join("sitegate.log")).unwrap_or_default()
        );
    }

    fn placeholder() -> GatewayBuilder {
        GatewayBuilder::new()
    }
}

/// A running `sitegate serve`; stopped (SIGINT, at once) when dropped.
pub struct Gateway {
    child: Child,
    builder: GatewayBuilder,
    config: PathBuf,
}

impl Gateway {
    /// HTTPS port of the site listener.
    pub fn https_port(&self) -> u16 {
        self.builder.https
    }

    /// Plain HTTP port (redirects).
    pub fn http_port(&self) -> u16 {
        self.builder.http
    }

    /// Admin port.
    pub fn admin_port(&self) -> u16 {
        self.builder.admin
    }

    /// The config directory.
    pub fn dir(&self) -> &Path {
        self.builder.dir.path()
    }

    /// The config file.
    pub fn config_path(&self) -> &Path {
        &self.config
    }

    /// The development CA certificate (PEM) this gateway created.
    pub fn ca_pem(&self) -> String {
        std::fs::read_to_string(self.dir().join("state/dev-ca/ca.pem"))
            .expect("dev CA written at start")
    }

    /// Runs `sitegate <args> --config <this gateway's config>` (the CLI, offline) to the end.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(sitegate_bin())
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .output()
            .expect("run sitegate")
    }

    /// The admin listener's URL, as the CLI's `--gateway` takes it.
    pub fn admin_url(&self) -> String {
        format!("https://localhost:{}", self.admin_port())
    }

    /// A client of the admin listener, trusting the dev CA.
    pub fn admin_client(&self) -> reqwest::Client {
        let ca = reqwest::Certificate::from_pem(self.ca_pem().as_bytes()).expect("CA PEM");
        reqwest::Client::builder()
            .use_rustls_tls()
            .add_root_certificate(ca)
            .tls_built_in_root_certs(false)
            .build()
            .expect("admin client")
    }

    /// A client that trusts the dev CA and resolves every hostname to this gateway.
    pub fn client(&self) -> Client {
        Client::new(&self.ca_pem(), self.https_port())
    }

    /// Sends `GET <path>` exactly as written (no client-side normalization) to `host`, with SNI
    /// `host`, and returns the whole response text.
    pub async fn raw_get(&self, host: &str, path: &str) -> String {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        let (_, reply) = crate::raw_https_request(
            &self.ca_pem(),
            self.https_port(),
            Some(host),
            host,
            &request,
        )
        .await
        .expect("raw request");
        reply
    }

    /// Everything the gateway logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir().join("sitegate.log")).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal to the gateway.
    pub fn signal(&self, sig: i32) {
        // SAFETY-free: libc::kill on our own child's pid.
        let rc = unsafe_kill(self.child.id(), sig);
        assert_eq!(rc, 0, "kill({sig}) failed");
    }

    /// Waits for the process to exit, up to `limit`; returns its status if it did.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Kills the gateway at once (SIGKILL: no shutdown work at all, as in a crash) and starts
    /// it again on the same files and state directory.
    pub fn crash_and_restart(mut self) -> Gateway {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let builder = std::mem::replace(&mut self.builder, GatewayBuilder::placeholder());
        std::mem::forget(self);
        builder.start()
    }

    /// Resident memory of the gateway process in KiB (from /proc).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// True once this gateway's admin listener answers; false if the process exited first.
    fn wait_ready(&mut self) -> bool {
        let start = Instant::now();
        let me = format!("\"pid\":{}", self.child.id());
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if let Some(reply) = crate::probe::healthz(self.admin_port()) {
                // pingora starts its services one by one: the admin listener can answer
                // before the site listeners accept.
                let sites_up = [self.https_port(), self.http_port()]
                    .iter()
                    .all(|port| std::net::TcpStream::connect(("127.0.0.1", *port)).is_ok());
                if reply.starts_with("HTTP/1.1 200") && reply.contains(&me) && sites_up {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "sitegate did not become ready within 30s; log:\n{}",
            self.log()
        );
    }
}

fn unsafe_kill(pid: u32, sig: i32) -> i32 {
    // The one unsafe call in the test support: sending a signal to our own child process.
    unsafe { libc::kill(pid as i32, sig) }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = unsafe_kill(self.child.id(), libc::SIGINT);
            if self.wait_exit(Duration::from_secs(5)).is_none() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
        if std::thread::panicking() {
            eprintln!("--- sitegate log ---\n{}", self.log());
        }
    }
}
