//! Site secrets: encrypted at rest in `<state_dir>/secrets.json` with AES-256-GCM under a key
//! of its own (`<state_dir>/secrets.key`, made on first use, mode 0600). Each value is bound
//! to its site and name in the associated data, so a value copied to another site or name
//! does not open. Written atomically; workers see them on `env` (and `process.env`).

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use runtime::Secret;
use serde::{Deserialize, Serialize};

use certs::fsutil::{write_atomic, KEY_MODE};

/// The store's file name in the state directory.
pub const FILE: &str = "secrets.json";
/// The key's file name in the state directory.
const KEY_FILE: &str = "secrets.key";
/// Longest secret value accepted (Cloudflare's limit).
pub const MAX_VALUE_BYTES: usize = 5 * 1024;

/// The file: sealed values by site id, then by name.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoreFile {
    sites: BTreeMap<String, Sealed>,
}

/// One site's sealed secrets by name: what the store holds, and what a deployed version was
/// published with (its environment, kept in the deploy record).
pub type Sealed = BTreeMap<String, SealedSecret>;

/// One sealed value and when it was set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SealedSecret {
    sealed: String,
    #[serde(default)]
    set_at: u64,
}

/// A secret as listed: its name and when it was set, never its value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SecretInfo {
    /// The name (`env.NAME`).
    pub name: String,
    /// Unix time it was last set.
    pub set_at: u64,
}

/// The secrets of every site, opened with the state directory's key.
pub struct SecretStore {
    path: PathBuf,
    key: LessSafeKey,
    file: StoreFile,
}

impl SecretStore {
    /// Opens the store in `state_dir`, making its key on first use.
    pub fn open(state_dir: &Path) -> Result<SecretStore, String> {
        let key = load_or_create_key(state_dir)?;
        let path = state_dir.join(FILE);
        let file = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("{}: not a secrets file: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => StoreFile::default(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        Ok(SecretStore { path, key, file })
    }

    /// Sets `site`'s secret `name` to `value` and saves the store.
    pub fn put(&mut self, site: &str, name: &str, value: &str) -> Result<(), String> {
        check_name(name)?;
        if value.len() > MAX_VALUE_BYTES {
            return Err(format!(
                "secret {name} is {} bytes; at most {MAX_VALUE_BYTES} are accepted",
                value.len()
            ));
        }
        let sealed = self.seal(site, name, value)?;
        self.file.sites.entry(site.to_string()).or_default().insert(
            name.to_string(),
            SealedSecret {
                sealed,
                set_at: crate::clock::now(),
            },
        );
        self.save()
    }

    /// Removes `site`'s secret `name` (false: there was none) and saves the store.
    pub fn delete(&mut self, site: &str, name: &str) -> Result<bool, String> {
        let Some(secrets) = self.file.sites.get_mut(site) else {
            return Ok(false);
        };
        if secrets.remove(name).is_none() {
            return Ok(false);
        }
        if secrets.is_empty() {
            self.file.sites.remove(site);
        }
        self.save().map(|()| true)
    }

    /// `site`'s secrets by name (sorted) with when each was set.
    pub fn listing(&self, site: &str) -> Vec<SecretInfo> {
        self.file
            .sites
            .get(site)
            .map(|s| {
                s.iter()
                    .map(|(name, stored)| SecretInfo {
                        name: name.clone(),
                        set_at: stored.set_at,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `site`'s secrets as they are now, still sealed.
    pub fn sealed(&self, site: &str) -> Sealed {
        self.file.sites.get(site).cloned().unwrap_or_default()
    }

    /// `site`'s secrets, opened; one that does not open (tampered, or moved from another
    /// site) is an error naming it.
    pub fn for_site(&self, site: &str) -> Result<Vec<(String, Secret)>, String> {
        self.open_all(site, &self.sealed(site))
    }

    /// Opens sealed secrets of `site` (from the store or a deploy record).
    pub fn open_all(&self, site: &str, secrets: &Sealed) -> Result<Vec<(String, Secret)>, String> {
        secrets
            .iter()
            .map(|(name, stored)| {
                let value = self.open_value(site, name, &stored.sealed)?;
                Ok((name.clone(), Secret(value)))
            })
            .collect()
    }

    fn seal(&self, site: &str, name: &str, value: &str) -> Result<String, String> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| "no randomness for a secret's nonce".to_string())?;
        let mut body = value.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(associated_data(site, name)),
                &mut body,
            )
            .map_err(|_| "sealing a secret failed".to_string())?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&body);
        Ok(B64.encode(out))
    }

    fn open_value(&self, site: &str, name: &str, sealed: &str) -> Result<String, String> {
        let refused =
            || format!("secret {name} of {site} does not open with this state directory's key");
        let mut bytes = B64.decode(sealed).map_err(|_| refused())?;
        if bytes.len() < NONCE_LEN {
            return Err(refused());
        }
        let body = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| refused())?;
        let mut body = body;
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(associated_data(site, name)), &mut body)
            .map_err(|_| refused())?;
        String::from_utf8(plain.to_vec()).map_err(|_| refused())
    }

    fn save(&self) -> Result<(), String> {
        let json = serde_json::to_vec_pretty(&self.file).map_err(|e| e.to_string())?;
        write_atomic(&self.path, &json, KEY_MODE).map_err(|e| e.to_string())
    }
}

/// What a sealed value is bound to.
fn associated_data(site: &str, name: &str) -> Vec<u8> {
    format!("sitegate-secret\0{site}\0{name}").into_bytes()
}

/// Secret names are JavaScript identifiers of ASCII letters, digits and `_` (as `env.NAME`).
fn check_name(name: &str) -> Result<(), String> {
    let ok = runtime::bindings::is_identifier(name) && !name.contains('$') && name.len() <= 256;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "bad secret name {name:?}: expected letters, digits and _ (not starting with a digit), at most 256"
        ))
    }
}

/// The key in `state_dir`, made (32 random bytes, mode 0600) if there is none.
fn load_or_create_key(state_dir: &Path) -> Result<LessSafeKey, String> {
    let path = state_dir.join(KEY_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut fresh = [0u8; 32];
            SystemRandom::new()
                .fill(&mut fresh)
                .map_err(|_| "no randomness for the secrets key".to_string())?;
            std::fs::create_dir_all(state_dir)
                .map_err(|e| format!("{}: {e}", state_dir.display()))?;
            write_atomic(&path, &fresh, KEY_MODE).map_err(|e| e.to_string())?;
            fresh.to_vec()
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let key = UnboundKey::new(&AES_256_GCM, &bytes)
        .map_err(|_| format!("{}: not a 32-byte key", path.display()))?;
    Ok(LessSafeKey::new(key))
}
