//! Tokens: `sgt_<id>_<secret>` bearer credentials. An access token opens some sites of one
//! workspace (docs/security.md line 17); a deploy token lets the CLI deploy to the sites of
//! one workspace (all, or some) through the admin API, optionally acting as one person whose
//! role must allow deploying; an admin token may act on every workspace. A token of one kind
//! never works as another. Stored hashed in `<state_dir>/tokens.json`, listed
//! without their secret, revocable; the gateway re-reads the file when it changes, checked on
//! every token-bearing request, so a revocation applies to the very next request.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use ring::digest;
use serde::{Deserialize, Serialize};

use crate::auth::random_token;
use crate::clock::now;

/// Prefix of every token Sitegate issues.
pub const PREFIX: &str = "sgt_";
/// The store's file name in the state directory.
pub const FILE: &str = "tokens.json";

/// One issued token, as stored (the secret only as its SHA-256).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TokenRecord {
    /// Public id (part of the token; shown in listings and logs).
    pub id: String,
    /// The workspace that issued it.
    pub workspace: String,
    /// Site names in that workspace it may open.
    pub sites: Vec<String>,
    /// SHA-256 of the secret part, hex.
    pub secret_sha256: String,
    /// Unix time of creation.
    pub created_at: u64,
    /// Unix time it stops working.
    pub expires_at: u64,
    /// Whether it was revoked.
    pub revoked: bool,
    /// What it may do.
    #[serde(default)]
    pub scope: TokenScope,
    /// For a deploy token: the person it acts as, whose role is checked at every use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// What a token may do.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Open the listed sites (a machine visitor).
    #[default]
    Access,
    /// Deploy to the workspace's sites (all when `sites` is empty) through the admin API.
    Deploy,
    /// Every admin action on every workspace.
    Admin,
}

impl TokenScope {
    /// The name shown in listings.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Access => "access",
            TokenScope::Deploy => "deploy",
            TokenScope::Admin => "admin",
        }
    }
}

/// What a new token is for.
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    /// The workspace (empty for an admin token).
    pub workspace: &'a str,
    /// Its sites.
    pub sites: &'a [String],
    /// What it may do.
    pub scope: TokenScope,
    /// The person a deploy token acts as.
    pub user: Option<&'a str>,
    /// How long it works.
    pub lifetime_secs: u64,
}

/// Why a presented token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    /// Not a Sitegate token at all (leave the header to the backend).
    NotOurs,
    /// Unknown id, wrong secret, expired or revoked.
    Invalid,
}

fn sha256_hex(text: &str) -> String {
    crate::auth::hex(digest::digest(&digest::SHA256, text.as_bytes()).as_ref())
}

/// Reads the records, or none when the file does not exist yet.
pub fn read(state_dir: &Path) -> Result<Vec<TokenRecord>, String> {
    let path = state_dir.join(FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes the records atomically, readable by the owner only.
fn write(state_dir: &Path, records: &[TokenRecord]) -> Result<(), String> {
    std::fs::create_dir_all(state_dir).map_err(|e| format!("{}: {e}", state_dir.display()))?;
    let path = state_dir.join(FILE);
    let json = serde_json::to_vec_pretty(records).map_err(|e| e.to_string())?;
    certs::fsutil::write_atomic(&path, &json, certs::fsutil::KEY_MODE).map_err(|e| e.to_string())
}

/// Issues a token; returns the full token (shown once) and its record.
pub fn create(
    state_dir: &Path,
    request: &TokenRequest<'_>,
) -> Result<(String, TokenRecord), String> {
    let rng = ring::rand::SystemRandom::new();
    let id = random_token(&rng, 9)
        .map_err(|e| e.to_string())?
        .replace(['-', '_'], "x");
    let secret = random_token(&rng, 32).map_err(|e| e.to_string())?;
    let now = now();
    let record = TokenRecord {
        id: id.clone(),
        workspace: request.workspace.to_string(),
        sites: request.sites.to_vec(),
        secret_sha256: sha256_hex(&secret),
        created_at: now,
        expires_at: now.saturating_add(request.lifetime_secs),
        revoked: false,
        scope: request.scope,
        user: request.user.map(str::to_string),
    };
    let mut records = read(state_dir)?;
    records.push(record.clone());
    write(state_dir, &records)?;
    Ok((format!("{PREFIX}{id}_{secret}"), record))
}

/// Revokes the token with `id`; false when there is none.
pub fn revoke(state_dir: &Path, id: &str) -> Result<bool, String> {
    let mut records = read(state_dir)?;
    let Some(record) = records.iter_mut().find(|r| r.id == id) else {
        return Ok(false);
    };
    record.revoked = true;
    write(state_dir, &records)?;
    Ok(true)
}

/// The tokens the running gateway accepts, re-read whenever the file changes.
pub struct TokenIndex {
    path: PathBuf,
    records: ArcSwap<Vec<TokenRecord>>,
    seen: Mutex<Option<(SystemTime, u64)>>,
}

impl TokenIndex {
    /// The index of `<state_dir>/tokens.json`.
    pub fn new(state_dir: &Path) -> Arc<TokenIndex> {
        let index = Arc::new(TokenIndex {
            path: state_dir.join(FILE),
            records: ArcSwap::from_pointee(Vec::new()),
            seen: Mutex::new(None),
        });
        index.refresh();
        index
    }

    /// Re-reads the file if it changed since the last look.
    fn refresh(&self) {
        let stamp = std::fs::metadata(&self.path)
            .ok()
            .and_then(|m| Some((m.modified().ok()?, m.len())));
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if *seen == stamp {
            return;
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        match read(dir) {
            Ok(records) => {
                self.records.store(Arc::new(records));
                *seen = stamp;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read service tokens; keeping the previous set")
            }
        }
    }

    /// The record for a presented bearer value, if it is a valid Sitegate token of `scope`.
    pub fn verify(&self, bearer: &str, scope: TokenScope) -> Result<TokenRecord, TokenRefusal> {
        let rest = bearer.strip_prefix(PREFIX).ok_or(TokenRefusal::NotOurs)?;
        let (id, secret) = rest.split_once('_').ok_or(TokenRefusal::Invalid)?;
        self.refresh();
        let records = self.records.load();
        let record = records
            .iter()
            .find(|r| r.id == id)
            .ok_or(TokenRefusal::Invalid)?;
        let presented = sha256_hex(secret);
        let matches =
            crate::auth::constant_time_eq(presented.as_bytes(), record.secret_sha256.as_bytes());
        if !matches || record.revoked || record.expires_at <= now() || record.scope != scope {
            return Err(TokenRefusal::Invalid);
        }
        Ok(record.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(lifetime_secs: u64) -> TokenRequest<'static> {
        static SITES: std::sync::LazyLock<Vec<String>> =
            std::sync::LazyLock::new(|| vec!["crm".to_string()]);
        TokenRequest {
            workspace: "acme",
            sites: &SITES,
            scope: TokenScope::Access,
            user: None,
            lifetime_secs,
        }
    }

    #[test]
    fn a_token_works_only_in_its_own_scope() {
        let dir = tempfile::tempdir().unwrap();
        let deploy = TokenRequest {
            scope: TokenScope::Deploy,
            ..access(3600)
        };
        let (token, _) = create(dir.path(), &deploy).unwrap();
        let index = TokenIndex::new(dir.path());
        assert!(index.verify(&token, TokenScope::Deploy).is_ok());
        for other in [TokenScope::Access, TokenScope::Admin] {
            assert_eq!(index.verify(&token, other), Err(TokenRefusal::Invalid));
        }
    }

    #[test]
    fn tokens_verify_until_revoked_and_never_store_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let (token, record) = create(dir.path(), &access(3600)).unwrap();
        let stored = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(
            !stored.contains(token.rsplit('_').next().unwrap()),
            "the secret is stored only hashed"
        );
        let index = TokenIndex::new(dir.path());
        assert_eq!(
            index.verify(&token, TokenScope::Access).unwrap().id,
            record.id
        );
        assert_eq!(
            index.verify(&format!("{token}x"), TokenScope::Access),
            Err(TokenRefusal::Invalid)
        );
        assert_eq!(
            index.verify("Bearer-something-else", TokenScope::Access),
            Err(TokenRefusal::NotOurs)
        );
        assert!(revoke(dir.path(), &record.id).unwrap());
        assert_eq!(
            index.verify(&token, TokenScope::Access),
            Err(TokenRefusal::Invalid),
            "revocation applies to the next request"
        );
    }

    #[test]
    fn expired_tokens_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (token, _) = create(dir.path(), &access(0)).unwrap();
        assert_eq!(
            TokenIndex::new(dir.path()).verify(&token, TokenScope::Access),
            Err(TokenRefusal::Invalid)
        );
    }
}
