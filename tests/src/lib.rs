//! End-to-end test support: start the real `sitegate` binary on free loopback ports with a
//! generated config, run real upstreams next to it, and talk to it over real TLS.

pub mod client;
pub mod corpus;
pub mod fake_idp;
pub mod gateway;
pub mod miniflare;
mod probe;
pub mod signin;
pub mod upstream;
pub mod workerd;

pub use client::{raw_https_request, Client};
pub use gateway::{Gateway, GatewayBuilder};
pub use miniflare::Miniflare;
pub use signin::Browser;
pub use upstream::Upstream;
pub use workerd::Workerd;

/// A free TCP port on 127.0.0.1 (bound, then released for the gateway to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// The `sitegate` binary built for this workspace (`SITEGATE_BIN` overrides).
pub fn sitegate_bin() -> std::path::PathBuf {
    if let Ok(path) = std::env::var("SITEGATE_BIN") {
        return path.into();
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("debug/sitegate");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p gateway` first (scripts/test.sh does)",
        bin.display()
    );
    bin
}
