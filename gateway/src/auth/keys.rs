//! `KeyRing`: the gateway's own secrets under `<state_dir>/keys/` — AEAD keys for sealed
//! cookies (rotated, old ones kept to open until their sessions expire), ES256 keys for
//! identity assertions (current and previous, published as JWKS), and one long-lived
//! secret from which the pairwise-id and one-time-code HMAC keys are derived.

#[cfg(test)]
mod tests;

use std::fs;
use std::path::Path;
use std::time::Duration;

use ring::aead::{LessSafeKey, UnboundKey, AES_256_GCM};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use ring::{digest, hmac};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{b64, random_array, unb64, AuthError, Secret32};

/// File with the cookie-sealing keys.
pub const SESSION_KEYS_FILE: &str = "session-keys.json";
/// File with the ES256 assertion-signing keys (PKCS#8).
pub const SIGNING_KEYS_FILE: &str = "signing-keys.json";
/// File with the long-lived secret for pairwise ids and code HMACs.
pub const SECRET_FILE: &str = "secret.json";

/// One AEAD key for sealing cookies, with the id written into each cookie it seals.
pub struct SessionKey {
    /// Key id, carried in the cookie header.
    pub id: u32,
    pub(crate) key: LessSafeKey,
}

/// One ES256 key for identity assertions.
pub struct SigningKey {
    /// The JWK thumbprint (RFC 7638), used as `kid`.
    pub kid: String,
    pub(crate) pair: EcdsaKeyPair,
}

/// Every secret the sign-in flow needs, loaded once and shared (`Arc`) by all requests.
pub struct KeyRing {
    /// Newest first; the first one seals, all of them open.
    session: Vec<SessionKey>,
    /// Newest first, at most two: the current one signs, both are published.
    signing: Vec<SigningKey>,
    pairwise: hmac::Key,
    code: hmac::Key,
    rng: SystemRandom,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field(
                "session_key_ids",
                &self.session.iter().map(|k| k.id).collect::<Vec<_>>(),
            )
            .field(
                "signing_kids",
                &self.signing.iter().map(|k| &k.kid).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct KeysFile {
    keys: Vec<StoredKey>,
}

#[derive(Serialize)]
struct KeysFileRef<'a> {
    keys: &'a [StoredKey],
}

#[derive(Serialize, Deserialize)]
struct StoredKey {
    id: String,
    created_at: u64,
    secret: String,
}

impl KeyRing {
    /// Loads the keys under `<state_dir>/keys/`, creating what is missing. A new cookie key
    /// is made when the newest is `rotation` old; an older key is dropped once the key after
    /// it has been sealing for `max_lifetime` (no session it sealed can still be valid). The
    /// signing key rotates on the same schedule, keeping one previous key for verifiers.
    pub fn load_or_create(
        state_dir: &Path,
        rotation: Duration,
        max_lifetime: Duration,
        now: u64,
    ) -> Result<KeyRing, AuthError> {
        let dir = state_dir.join("keys");
        create_private_dir(&dir)?;
        let rng = SystemRandom::new();
        let rotation = rotation.as_secs().max(1);
        let max_lifetime = max_lifetime.as_secs();

        let session_path = dir.join(SESSION_KEYS_FILE);
        let mut stored = read_keys(&session_path)?;
        if rotate(&mut stored, rotation, now, |n| n + max_lifetime, &rng, 32)? {
            write_keys(&session_path, &stored)?;
        }
        let session = stored
            .iter()
            .map(|k| session_key(k, &session_path))
            .collect::<Result<Vec<_>, _>>()?;

        let signing_path = dir.join(SIGNING_KEYS_FILE);
        let mut stored = read_keys(&signing_path)?;
        let before = stored.len();
        let changed = rotate(&mut stored, rotation, now, |_| u64::MAX, &rng, 0)?;
        stored.truncate(2);
        if changed || stored.len() != before {
            write_keys(&signing_path, &stored)?;
        }
        let signing = stored
            .iter()
            .map(|k| signing_key(k, &signing_path, &rng))
            .collect::<Result<Vec<_>, _>>()?;

        let secret_path = dir.join(SECRET_FILE);
        let mut stored = read_keys(&secret_path)?;
        if stored.is_empty() {
            let secret = Secret32::random(&rng)?;
            stored.push(StoredKey {
                id: "master".into(),
                created_at: now,
                secret: b64(secret.expose()),
            });
            write_keys(&secret_path, &stored)?;
        }
        let master = decode_secret(&stored[0], &secret_path)?;
        let derive = |label: &[u8]| {
            let master = hmac::Key::new(hmac::HMAC_SHA256, master.expose());
            let tag = hmac::sign(&master, label);
            hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref())
        };
        Ok(KeyRing {
            session,
            signing,
            pairwise: derive(b"sitegate pairwise subject v1"),
            code: derive(b"sitegate one-time code v1"),
            rng,
        })
    }

    /// The key that seals new cookies.
    pub fn sealing_key(&self) -> &SessionKey {
        // `load_or_create` always leaves at least one key.
        &self.session[0]
    }

    /// The key with id `id`, if this ring still has it.
    pub fn opening_key(&self, id: u32) -> Option<&SessionKey> {
        self.session.iter().find(|k| k.id == id)
    }

    /// The key that signs new assertions.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing[0]
    }

    /// HMAC key for pairwise subject ids (never rotated: ids must stay stable).
    pub fn pairwise_key(&self) -> &hmac::Key {
        &self.pairwise
    }

    /// HMAC key under which one-time codes are stored (the codes themselves are not).
    pub fn code_key(&self) -> &hmac::Key {
        &self.code
    }

    /// The ring's random generator.
    pub fn rng(&self) -> &SystemRandom {
        &self.rng
    }

    /// The public signing keys (current and previous) as a JWK Set, for
    /// `/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self.signing.iter().map(SigningKey::public_jwk).collect();
        json!({ "keys": keys })
    }
}

impl SigningKey {
    /// An ES256 signature (raw `r || s`, 64 bytes, as JWS wants) over `message`.
    pub fn sign(&self, rng: &SystemRandom, message: &[u8]) -> Result<Vec<u8>, AuthError> {
        self.pair
            .sign(rng, message)
            .map(|s| s.as_ref().to_vec())
            .map_err(|_| AuthError::Crypto("ES256 signing"))
    }

    /// The public key as a JWK with `kid`, `use: sig` and `alg: ES256`.
    pub fn public_jwk(&self) -> Value {
        let (x, y) = xy(&self.pair);
        json!({ "kty": "EC", "crv": "P-256", "x": x, "y": y,
                "kid": self.kid, "use": "sig", "alg": "ES256" })
    }
}

/// The affine coordinates of a P-256 public key, base64url.
fn xy(pair: &EcdsaKeyPair) -> (String, String) {
    // ring's public key is the uncompressed point: 0x04 || X (32) || Y (32).
    let point = pair.public_key().as_ref();
    let coord = |r: std::ops::Range<usize>| point.get(r).map(b64).unwrap_or_default();
    (coord(1..33), coord(33..65))
}

/// RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order.
fn thumbprint(pair: &EcdsaKeyPair) -> String {
    let (x, y) = xy(pair);
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    b64(digest::digest(&digest::SHA256, canonical.as_bytes()).as_ref())
}

/// Adds a key when the newest is `rotation` old (or there is none) and drops keys whose
/// successor was made before `keep_until(successor.created_at)` passed. `len` 0 makes an
/// ES256 PKCS#8 document, otherwise `len` random bytes. Returns whether anything changed.
fn rotate(
    keys: &mut Vec<StoredKey>,
    rotation: u64,
    now: u64,
    keep_until: impl Fn(u64) -> u64,
    rng: &SystemRandom,
    len: usize,
) -> Result<bool, AuthError> {
    keys.sort_by_key(|k| std::cmp::Reverse(k.created_at));
    let before = keys.len();
    let due = keys
        .first()
        .is_none_or(|k| now.saturating_sub(k.created_at) >= rotation);
    if due {
        let secret = if len == 0 {
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng)
                .map_err(|_| AuthError::Crypto("ES256 key generation"))?
                .as_ref()
                .to_vec()
        } else {
            random_array::<32>(rng)?.to_vec()
        };
        let mut id = u32::from_be_bytes(random_array(rng)?);
        while keys.iter().any(|k| k.id == id.to_string()) {
            id = id.wrapping_add(1);
        }
        keys.insert(
            0,
            StoredKey {
                id: id.to_string(),
                created_at: now,
                secret: b64(&secret),
            },
        );
    }
    let mut successor_made = u64::MAX;
    keys.retain(|k| {
        let keep = successor_made == u64::MAX || keep_until(successor_made) > now;
        successor_made = k.created_at;
        keep
    });
    Ok(due || keys.len() != before)
}

fn session_key(k: &StoredKey, path: &Path) -> Result<SessionKey, AuthError> {
    let secret = decode_secret(k, path)?;
    let id =
        k.id.parse()
            .map_err(|_| bad(path, "a key id is not a number"))?;
    let unbound = UnboundKey::new(&AES_256_GCM, secret.expose())
        .map_err(|_| bad(path, "a key is not a valid AES-256 key"))?;
    Ok(SessionKey {
        id,
        key: LessSafeKey::new(unbound),
    })
}

fn signing_key(k: &StoredKey, path: &Path, rng: &SystemRandom) -> Result<SigningKey, AuthError> {
    let pkcs8 = unb64(&k.secret).ok_or_else(|| bad(path, "a key is not base64url"))?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, rng)
        .map_err(|_| bad(path, "a key is not a P-256 PKCS#8 private key"))?;
    Ok(SigningKey {
        kid: thumbprint(&pair),
        pair,
    })
}

fn decode_secret(k: &StoredKey, path: &Path) -> Result<Secret32, AuthError> {
    let bytes = unb64(&k.secret).ok_or_else(|| bad(path, "a key is not base64url"))?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| bad(path, "a key is not 32 bytes"))?;
    Ok(Secret32(arr))
}

fn bad(path: &Path, reason: &str) -> AuthError {
    AuthError::KeyFile {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> AuthError + '_ {
    move |source| AuthError::KeyIo {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads a key file; a missing file is an empty list. Loose permissions are tightened.
fn read_keys(path: &Path) -> Result<Vec<StoredKey>, AuthError> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(path)(e)),
    };
    let loose = certs::fsutil::restrict_to_owner(path).map_err(|e| io_err(&e.path)(e.source))?;
    if let Some(mode) = loose {
        tracing::warn!(path = %path.display(), mode = format!("{mode:o}"), "key file readable by others; restricted it to 0600");
    }
    let file: KeysFile = serde_json::from_str(&text).map_err(|e| bad(path, &e.to_string()))?;
    Ok(file.keys)
}

/// Writes a key file atomically: 0600 temp file, write, fsync, rename, fsync directory.
fn write_keys(path: &Path, keys: &[StoredKey]) -> Result<(), AuthError> {
    let body =
        serde_json::to_vec_pretty(&KeysFileRef { keys }).map_err(|e| bad(path, &e.to_string()))?;
    certs::fsutil::write_atomic(path, &body, certs::fsutil::KEY_MODE)
        .map_err(|e| io_err(&e.path)(e.source))
}

fn create_private_dir(dir: &Path) -> Result<(), AuthError> {
    certs::fsutil::create_private_dir(dir).map_err(|e| io_err(&e.path)(e.source))
}
