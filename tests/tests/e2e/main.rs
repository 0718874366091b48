//! End-to-end tests of the real `sitegate` binary on loopback (see `e2e::gateway`).

mod access;
mod admin;
mod bindings_diff;
mod codex;
mod config_check;
mod console;
mod crash;
mod deploy_api;
mod deploys;
mod drizzle;
mod idp_security;
mod isolation;
mod limits;
mod outbound;
mod projects;
mod proxying;
mod reload;
mod routing;
mod shutdown;
mod signin;
mod support;
mod tls;
mod tokens;
mod vinext;
mod workers;
mod workers_diff;
