//! Per-client token buckets for the sign-in endpoints (docs/security.md line 22). IPv6
//! clients are counted by their /64, which one subscriber usually holds whole, so address
//! hopping within it does not reset the limit.

#[cfg(test)]
mod tests;

use std::net::{IpAddr, Ipv6Addr};
use std::time::{Duration, Instant};

use dashmap::DashMap;

use super::AuthError;

/// Default burst: requests a client may make at once.
pub const DEFAULT_BURST: u32 = 20;
/// Default sustained rate: requests per minute.
pub const DEFAULT_PER_MINUTE: u32 = 60;
/// Default number of clients tracked at once.
pub const DEFAULT_MAX_CLIENTS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// A token bucket per client address: `burst` requests at once, refilled at `per_minute`.
pub struct RateLimiter {
    buckets: DashMap<IpAddr, Bucket>,
    burst: f64,
    per_sec: f64,
    max_clients: usize,
}

impl RateLimiter {
    /// A limiter allowing `burst` requests at once and `per_minute` sustained per client,
    /// tracking at most `max_clients` clients.
    pub fn new(burst: u32, per_minute: u32, max_clients: usize) -> Self {
        RateLimiter {
            buckets: DashMap::new(),
            burst: f64::from(burst.max(1)),
            per_sec: f64::from(per_minute.max(1)) / 60.0,
            max_clients,
        }
    }

    /// Takes one token for `ip` at `now`, or says how long until one is available. When
    /// every tracked client is active and the table is full, new clients are refused
    /// (fail closed) until buckets refill and are swept.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), AuthError> {
        let key = client_key(ip);
        if !self.buckets.contains_key(&key) && self.buckets.len() >= self.max_clients {
            self.sweep(now);
            if self.buckets.len() >= self.max_clients {
                return Err(self.limited(0.0));
            }
        }
        let mut bucket = self.buckets.entry(key).or_insert(Bucket {
            tokens: self.burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_sec).min(self.burst);
        bucket.last = bucket.last.max(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.limited(bucket.tokens))
        }
    }

    fn limited(&self, tokens: f64) -> AuthError {
        let wait = ((1.0 - tokens) / self.per_sec).ceil().max(1.0);
        AuthError::RateLimited {
            retry_after_secs: Duration::from_secs_f64(wait).as_secs(),
        }
    }

    /// Forgets clients whose bucket has refilled (they are indistinguishable from new
    /// ones); returns how many. Call it now and then.
    pub fn sweep(&self, now: Instant) -> usize {
        let before = self.buckets.len();
        let (burst, per_sec) = (self.burst, self.per_sec);
        self.buckets.retain(|_, b| {
            let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
            b.tokens + elapsed * per_sec < burst
        });
        before.saturating_sub(self.buckets.len())
    }
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::new(DEFAULT_BURST, DEFAULT_PER_MINUTE, DEFAULT_MAX_CLIENTS)
    }
}

/// The address a client is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by /64.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}
