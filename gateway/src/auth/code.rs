//! One-time codes for the sign-in host → site hop (docs/security.md line 12), and a replay
//! guard for other single-use values (OIDC `state`, checklist 9). Codes are 32 random
//! bytes; the store keeps only their HMAC, so a memory dump or a timing side channel on
//! the map lookup reveals no usable code.

#[cfg(test)]
mod tests;

use std::time::Duration;

use dashmap::mapref::entry::Entry as MapEntry;
use dashmap::DashMap;
use ring::rand::SystemRandom;
use ring::{digest, hmac};

use super::keys::KeyRing;
use super::{b64, random_array, AuthError};

/// Length of a code as minted (32 bytes, base64url without padding).
pub const CODE_LEN: usize = 43;

struct Pending<T> {
    site: String,
    payload: T,
    expires_at: u64,
}

/// Outstanding one-time codes, each bound to the site it was minted for.
pub struct CodeStore<T> {
    pending: DashMap<[u8; 32], Pending<T>>,
    key: hmac::Key,
    rng: SystemRandom,
    ttl: u64,
    capacity: usize,
}

impl<T> CodeStore<T> {
    /// A store whose codes live `ttl` (whole seconds, at least one) and of which at most
    /// `capacity` may be outstanding.
    pub fn new(keys: &KeyRing, ttl: Duration, capacity: usize) -> Self {
        CodeStore {
            pending: DashMap::new(),
            key: keys.code_key().clone(),
            rng: keys.rng().clone(),
            ttl: ttl.as_secs().max(1),
            capacity,
        }
    }

    /// Mints a code that `redeem` will accept once, on `site_id`, until `ttl` has passed.
    pub fn mint(&self, site_id: &str, payload: T, now: u64) -> Result<String, AuthError> {
        if self.pending.len() >= self.capacity {
            self.sweep(now);
            if self.pending.len() >= self.capacity {
                return Err(AuthError::CodeStoreFull);
            }
        }
        let code = b64(&random_array::<32>(&self.rng)?);
        self.pending.insert(
            self.slot(&code),
            Pending {
                site: site_id.to_string(),
                payload,
                expires_at: now.saturating_add(self.ttl),
            },
        );
        Ok(code)
    }

    /// Takes the payload of `code` if it was minted for `site_id` and has not expired. The
    /// code is gone after this call whatever the outcome, so a code presented to the
    /// wrong site, or replayed, never works again.
    pub fn redeem(&self, code: &str, site_id: &str, now: u64) -> Result<T, AuthError> {
        if code.len() != CODE_LEN {
            return Err(AuthError::InvalidCode);
        }
        let (_, pending) = self
            .pending
            .remove(&self.slot(code))
            .ok_or(AuthError::InvalidCode)?;
        if now >= pending.expires_at || pending.site != site_id {
            return Err(AuthError::InvalidCode);
        }
        Ok(pending.payload)
    }

    /// Drops expired codes; returns how many. Call it now and then (e.g. every minute).
    pub fn sweep(&self, now: u64) -> usize {
        let before = self.pending.len();
        self.pending.retain(|_, p| now < p.expires_at);
        before.saturating_sub(self.pending.len())
    }

    fn slot(&self, code: &str) -> [u8; 32] {
        let tag = hmac::sign(&self.key, code.as_bytes());
        let mut slot = [0u8; 32];
        slot.copy_from_slice(tag.as_ref());
        slot
    }
}

/// Remembers single-use values (an OIDC `state`, a flow id) until they expire, so a
/// second use is refused. Fails closed: when full of live entries, nothing is accepted.
pub struct ReplayGuard {
    seen: DashMap<[u8; 32], u64>,
    capacity: usize,
}

impl ReplayGuard {
    /// A guard remembering at most `capacity` live values.
    pub fn new(capacity: usize) -> Self {
        ReplayGuard {
            seen: DashMap::new(),
            capacity,
        }
    }

    /// True the first time `value` is presented before `expires_at`; false on every later
    /// presentation while it is remembered (and it is remembered until `expires_at`).
    pub fn first_use(&self, value: &str, expires_at: u64, now: u64) -> bool {
        if now >= expires_at {
            return false;
        }
        if self.seen.len() >= self.capacity {
            self.sweep(now);
            if self.seen.len() >= self.capacity {
                return false;
            }
        }
        let mut slot = [0u8; 32];
        slot.copy_from_slice(digest::digest(&digest::SHA256, value.as_bytes()).as_ref());
        match self.seen.entry(slot) {
            MapEntry::Occupied(mut e) => {
                if now < *e.get() {
                    return false;
                }
                e.insert(expires_at);
                true
            }
            MapEntry::Vacant(e) => {
                e.insert(expires_at);
                true
            }
        }
    }

    /// Forgets expired values; returns how many.
    pub fn sweep(&self, now: u64) -> usize {
        let before = self.seen.len();
        self.seen.retain(|_, exp| now < *exp);
        before.saturating_sub(self.seen.len())
    }
}
