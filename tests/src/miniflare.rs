//! miniflare, the reference for the D1 and R2 bindings: `tests/workers/miniflare-serve.mjs`
//! serving one ES-module worker with D1 databases and R2 buckets persisted in a scratch
//! directory. Stopped when dropped (closing its standard input makes it dispose of miniflare,
//! so miniflare's own workerd exits too).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::corpus::{corpus_dir, node_modules};

/// A binding the worker gets on miniflare.
pub enum Binding<'a> {
    /// A D1 database, with the directory of `*.sql` migrations to apply first (if any).
    D1(&'a str, Option<&'a Path>),
    /// An R2 bucket.
    R2(&'a str),
}

/// A running miniflare.
pub struct Miniflare {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Miniflare {
    /// Serves the worker `script` (its directory is the module root) with `bindings`,
    /// persisting them and logging into `dir`.
    pub fn start(script: &Path, dir: &Path, bindings: &[Binding<'_>]) -> Miniflare {
        node_modules();
        let log = dir.join("miniflare.log");
        let mut command = Command::new("node");
        command
            .arg(corpus_dir().join("miniflare-serve.mjs"))
            .arg(script)
            .arg(dir.join("persist"));
        for binding in bindings {
            match binding {
                Binding::D1(name, None) => command.args(["--d1", name]),
                Binding::D1(name, Some(migrations)) => command
                    .arg("--d1")
                    .arg(format!("{name}={}", migrations.display())),
                Binding::R2(name) => command.args(["--r2", name]),
            };
        }
        let mut child = command
            .current_dir(corpus_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("miniflare log"))
            .spawn()
            .unwrap_or_else(|e| panic!("spawn node (Node.js 20 or later is required): {e}"));
        let stdout = child.stdout.take().expect("miniflare stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let mut miniflare = Miniflare {
            child,
            url: String::new(),
            log,
        };
        match receiver.recv_timeout(Duration::from_secs(120)) {
            Ok(line) if line.starts_with("http://") => {
                miniflare.url = line.trim().trim_end_matches('/').to_string();
                miniflare
            }
            outcome => panic!(
                "miniflare did not start ({outcome:?}); log:\n{}",
                miniflare.log()
            ),
        }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Everything miniflare logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Miniflare {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- miniflare log ---\n{}", self.log());
        }
    }
}
