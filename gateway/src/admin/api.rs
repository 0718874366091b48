//! The admin API under `/api/v1/sites/<workspace>/<site>/`: versions (list, upload a
//! `.tar.gz` to deploy or `?save=true` to only store, promote, rollback) and secrets (list
//! names, put, delete). Callers are checked by [`Caller`]; every change goes to the audit log
//! and is live (the snapshot reloaded) when the answer is sent.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::{json, Value};

use super::caller::{Caller, Refusal};
use crate::deploy::{archive, DeployError};
use crate::deployer::Deployer;
use crate::secrets::SecretStore;
use crate::snapshot::Store;

/// Path prefix of the API.
pub const PREFIX: &str = "/api/v1/sites/";

/// One API call, its body already read.
pub struct Call<'a> {
    /// The method.
    pub method: &'a str,
    /// The path after [`PREFIX`].
    pub path: &'a str,
    /// The query string.
    pub query: &'a str,
    /// The body.
    pub body: Bytes,
}

/// What the handlers share.
pub struct Api {
    store: Arc<Store>,
}

impl Api {
    /// The API acting on `store`'s state directory.
    pub fn new(store: Arc<Store>) -> Api {
        Api { store }
    }

    /// Answers `call` from `caller`: a status and a JSON body, or why it is refused.
    pub async fn handle(&self, caller: &Caller, call: Call<'_>) -> Result<(u16, Value), Refusal> {
        let parts: Vec<&str> = call.path.split('/').collect();
        let (site_id, rest) = match parts.as_slice() {
            [ws, site, rest @ ..] if !ws.is_empty() && !site.is_empty() => {
                (format!("{ws}/{site}"), rest.to_vec())
            }
            _ => return Err(not_found()),
        };
        let snapshot = self.store.load();
        let site = caller.site(&snapshot.policy, &site_id)?;
        if !matches!(site.backend, policy::Backend::Worker(_)) {
            return Err((
                409,
                format!("{site_id} is proxied to an upstream; only worker sites take deploys"),
            ));
        }
        let deployer = Deployer::new(&snapshot.config.state_dir, snapshot.config.deploy);
        let actor = caller.actor.clone();
        let flag = |name: &str| {
            url::form_urlencoded::parse(call.query.as_bytes())
                .any(|(k, v)| k == name && (v == "true" || v == "1"))
        };
        let store = self.store.clone();
        match (call.method, rest.as_slice()) {
            ("GET", ["versions"]) => {
                blocking(move || {
                    let record = deployer.store().read(&site_id).map_err(deploy_error)?;
                    Ok((
                        200,
                        serde_json::to_value(record).expect("a record serializes"),
                    ))
                })
                .await
            }
            ("POST", ["versions"]) => {
                let save = flag("save");
                let body = call.body;
                blocking(move || {
                    let staging = deployer.store().staging(&site_id).map_err(deploy_error)?;
                    let size = archive::unpack(&body[..], staging.path(), deployer.limits())
                        .map_err(|e| (400, format!("the upload was refused: {e}")))?;
                    let source = format!("upload from {}", actor.from);
                    let deployed = deployer
                        .deploy_staged(&site_id, staging, size, &source, save, &actor)
                        .map_err(deploy_error)?;
                    reload(&store)?;
                    Ok((
                        200,
                        json!({
                            "version": deployed.version,
                            "published": deployed.published,
                            "migrations": deployed.migrations,
                            "pruned": deployed.pruned,
                        }),
                    ))
                })
                .await
            }
            ("POST", ["versions", id, "promote"]) => {
                let id = id.to_string();
                blocking(move || {
                    let migrations = deployer
                        .promote(&site_id, &id, &actor)
                        .map_err(deploy_error)?;
                    reload(&store)?;
                    Ok((200, json!({ "version": id, "migrations": migrations })))
                })
                .await
            }
            ("POST", ["rollback"]) => {
                blocking(move || {
                    let id = deployer.rollback(&site_id, &actor).map_err(deploy_error)?;
                    reload(&store)?;
                    Ok((200, json!({ "version": id })))
                })
                .await
            }
            ("GET", ["secrets"]) => {
                blocking(move || {
                    let secrets = open_secrets(&store)?;
                    Ok((200, json!({ "secrets": secrets.listing(&site_id) })))
                })
                .await
            }
            ("PUT", ["secrets", name]) => {
                let (name, body, now) = (name.to_string(), call.body, flag("now"));
                blocking(move || {
                    let value = String::from_utf8(body.to_vec())
                        .map_err(|_| (400, "a secret's value must be UTF-8 text".to_string()))?;
                    deployer
                        .put_secret(&site_id, &name, &value, now, &actor)
                        .map_err(deploy_error)?;
                    reload(&store)?;
                    Ok((200, json!({ "name": name })))
                })
                .await
            }
            ("DELETE", ["secrets", name]) => {
                let (name, now) = (name.to_string(), flag("now"));
                blocking(move || {
                    deployer
                        .delete_secret(&site_id, &name, now, &actor)
                        .map_err(deploy_error)?;
                    reload(&store)?;
                    Ok((200, json!({ "deleted": name })))
                })
                .await
            }
            _ => Err(not_found()),
        }
    }
}

fn not_found() -> Refusal {
    (404, "no such admin API endpoint".to_string())
}

/// Runs a deploy action off the async threads.
async fn blocking(
    work: impl FnOnce() -> Result<(u16, Value), Refusal> + Send + 'static,
) -> Result<(u16, Value), Refusal> {
    let panicked = (500, "the admin action failed unexpectedly".to_string());
    crate::deployer::off_thread(work, panicked).await
}

fn deploy_error(error: DeployError) -> Refusal {
    let status = match &error {
        DeployError::NoVersion { .. } | DeployError::NoSecret(..) => 404,
        DeployError::NothingToRollBack(_) => 409,
        DeployError::Rejected(_) | DeployError::Tree(_) => 422,
        DeployError::Io(..) | DeployError::Corrupt(..) => 500,
    };
    (status, error.to_string())
}

fn open_secrets(store: &Store) -> Result<SecretStore, Refusal> {
    SecretStore::open(&store.load().config.state_dir).map_err(|e| (500, e))
}

/// Makes the change live now rather than at the next file-watch tick.
fn reload(store: &Store) -> Result<(), Refusal> {
    store
        .reload()
        .map(|_| ())
        .map_err(|e| (500, format!("saved, but the gateway could not reload: {e}")))
}
