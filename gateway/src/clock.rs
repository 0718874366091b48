//! The wall clock the gateway reads: Unix seconds for session, code and token expiry, audit
//! and deploy timestamps. Everything below it takes the time as an argument.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the epoch (0 if the system clock is set before 1970).
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
