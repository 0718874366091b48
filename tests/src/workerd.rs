//! workerd, the reference runtime, serving corpus workers: a generated capnp config with one
//! service per worker (ES modules, every file of its directory) and one HTTP socket each on
//! a free loopback port. Stopped when dropped.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::corpus::{node_modules, Entry};
use crate::free_port;

/// The compatibility date every corpus worker runs with on workerd.
pub const COMPATIBILITY_DATE: &str = "2026-11-01";

/// A running `workerd serve`.
pub struct Workerd {
    child: Child,
    ports: HashMap<String, u16>,
    log: PathBuf,
}

impl Workerd {
    /// Serves `entries`, writing the config and log into `dir`. Ports are picked before
    /// workerd binds them; if one was taken meanwhile, workerd is started again on new ones.
    pub fn start(entries: &[Entry], dir: &Path) -> Workerd {
        let binary = binary();
        let log = dir.join("workerd.log");
        for _ in 0..5 {
            let ports: HashMap<String, u16> = entries
                .iter()
                .map(|e| (e.name.clone(), free_port()))
                .collect();
            let config = dir.join("workerd.capnp");
            std::fs::write(&config, capnp(entries, &ports, dir)).expect("write workerd config");
            let child = Command::new(&binary)
                .arg("serve")
                .arg(&config)
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).expect("workerd log"))
                .spawn()
                .unwrap_or_else(|e| panic!("spawn {}: {e}", binary.display()));
            let mut workerd = Workerd {
                child,
                ports,
                log: log.clone(),
            };
            if workerd.wait_ready() {
                return workerd;
            }
        }
        panic!(
            "workerd did not start in 5 attempts; log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// `http://127.0.0.1:<port><path>` of the worker `name`.
    pub fn url(&self, name: &str, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.ports[name])
    }

    /// The origin the worker `name` sees in `request.url`.
    pub fn origin(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}", self.ports[name])
    }

    /// Everything workerd logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// True once every socket accepts and workerd bound them all; false if it exited first or
    /// a port was taken by another process meanwhile (workerd logs that and goes on, while the
    /// other process answers on the port), so the caller starts it again on new ports.
    fn wait_ready(&mut self) -> bool {
        let start = Instant::now();
        let failed = |workerd: &mut Workerd| {
            matches!(workerd.child.try_wait(), Ok(Some(_)))
                || workerd.log().contains("Address already in use")
        };
        while start.elapsed() < Duration::from_secs(30) {
            if failed(self) {
                return false;
            }
            let up = self
                .ports
                .values()
                .all(|port| std::net::TcpStream::connect(("127.0.0.1", *port)).is_ok());
            if up {
                // A bind failure is logged as the sockets open: give it a moment to show.
                std::thread::sleep(Duration::from_millis(200));
                return !failed(self);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("workerd did not listen within 30s; log:\n{}", self.log());
    }
}

impl Drop for Workerd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- workerd log ---\n{}", self.log());
        }
    }
}

/// The workerd executable itself (not the npm wrapper script, which would outlive a kill).
fn binary() -> PathBuf {
    let scope = node_modules().join("@cloudflare");
    std::fs::read_dir(&scope)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin/workerd"))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("no workerd binary under {}", scope.display()))
}

/// The capnp config: a service and a socket per entry; module paths relative to `dir`.
fn capnp(entries: &[Entry], ports: &HashMap<String, u16>, dir: &Path) -> String {
    let mut services = Vec::new();
    let mut sockets = Vec::new();
    for entry in entries {
        let base = entry.dir.strip_prefix(dir).unwrap_or(&entry.dir);
        let modules: Vec<String> = entry
            .modules()
            .iter()
            .map(|module| {
                format!(
                    "(name = {:?}, esModule = embed {:?})",
                    module,
                    base.join(module).to_string_lossy()
                )
            })
            .collect();
        let flags: Vec<String> = entry.flags.iter().map(|f| format!("{f:?}")).collect();
        services.push(format!(
            "(name = {:?}, worker = (modules = [{}], compatibilityDate = {:?}, compatibilityFlags = [{}]))",
            entry.name,
            modules.join(", "),
            COMPATIBILITY_DATE,
            flags.join(", ")
        ));
        sockets.push(format!(
            "(name = {:?}, address = \"127.0.0.1:{}\", http = (), service = {:?})",
            format!("socket-{}", entry.name),
            ports[&entry.name],
            entry.name
        ));
    }
    let mut config = String::from("using Workerd = import \"/workerd/workerd.capnp\";\n\n");
    let _ = write!(
        config,
        "const config :Workerd.Config = (\n  services = [\n    {}\n  ],\n  sockets = [\n    {}\n  ],\n);\n",
        services.join(",\n    "),
        sockets.join(",\n    ")
    );
    config
}
