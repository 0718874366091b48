//! Assembles the pingora server: the site listeners (HTTPS, and HTTP that redirects), the admin
//! listener, the demo backend, and the reloader; then runs until a shutdown signal.

use std::sync::Arc;

use pingora_core::server::configuration::ServerConf;
use pingora_core::server::{RunArgs, Server};
use pingora_core::services::background::background_service;
use pingora_core::services::listening::Service;

use crate::admin::Admin;
use crate::demo::DemoBackend;
use crate::proxy::Gateway;
use crate::reload::Reloader;
use crate::shutdown::Signals;
use crate::signin::sweeper::Sweeper;
use crate::signin::SignIn;
use crate::snapshot::Store;
use crate::tokens::TokenIndex;
use crate::worker_backend::Workers;
use crate::{tls, GatewayError};

/// Runs the gateway until it is told to stop.
pub fn run(store: Arc<Store>) -> Result<(), GatewayError> {
    let snapshot = store.load();
    let config = &snapshot.config;

    let state_file = |name: &str| config.state_dir.join(name).to_string_lossy().into_owned();
    let conf = ServerConf {
        threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        grace_period_seconds: Some(config.shutdown_grace.as_secs_f64().ceil() as u64),
        graceful_shutdown_timeout_seconds: Some(1),
        pid_file: state_file("sitegate.pid"),
        upgrade_sock: state_file("upgrade.sock"),
        ca_file: config
            .upstream_ca_file
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()),
        ..ServerConf::default()
    };
    let mut server = Server::new_with_opt_and_conf(None, conf);
    server.bootstrap();

    let dev_ca_pem = store.dev_ca().map(|ca| ca.ca_pem().to_string());
    let signin = Arc::new(SignIn::new(config, dev_ca_pem.as_deref())?);
    let tokens = TokenIndex::new(&config.state_dir);
    let gateway = Gateway::new(
        store.clone(),
        signin.clone(),
        tokens.clone(),
        Arc::new(Workers::start(&config.workers)?),
    );
    let proxy = pingora_proxy::http_proxy(&server.configuration, gateway);
    let mut sites = Service::new(
        "sites".to_string(),
        crate::head_deadline::App::new(proxy, store.clone()),
    );
    sites.add_tls_with_settings(
        &config.listen.https.to_string(),
        None,
        tls::listener_settings(store.resolver())?,
    );
    if let Some(http) = config.listen.http {
        sites.add_tcp(&http.to_string());
    }
    server.add_service(sites);

    if let Some(addr) = config.listen.admin {
        let mut admin = Service::new("admin".to_string(), Admin::new(store.clone(), tokens));
        admin.add_tls_with_settings(
            &addr.to_string(),
            None,
            tls::listener_settings(store.resolver())?,
        );
        server.add_service(admin);
    }
    if let Some(addr) = config.demo_backend {
        let mut demo = Service::new("demo backend".to_string(), DemoBackend);
        demo.add_tcp(&addr.to_string());
        server.add_service(demo);
    }
    server.add_service(background_service("reload", Reloader::new(store.clone())));
    server.add_service(background_service("sign-in sweeper", Sweeper(signin)));

    tracing::info!(
        https = %config.listen.https,
        http = ?config.listen.http,
        admin = ?config.listen.admin,
        sites = snapshot.policy.sites().count(),
        "sitegate listening"
    );
    server.run(RunArgs {
        shutdown_signal: Box::new(Signals),
    });
    Ok(())
}
