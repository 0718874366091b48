//! Test helpers: a key ring in a temporary state directory.

use std::time::Duration;

use super::keys::KeyRing;

/// A fixed "now" for tests: 2024-01-01T00:00:00Z.
pub const T0: u64 = 1_704_067_200;
/// One day.
pub const DAY: u64 = 86_400;

/// A fresh ring (rotation 7 days, sessions up to 1 day) and the directory that holds it.
pub fn ring() -> (tempfile::TempDir, KeyRing) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ring = load(dir.path(), T0);
    (dir, ring)
}

/// Loads the ring in `dir` at `now` with the rotation and lifetime of `ring()`.
pub fn load(dir: &std::path::Path, now: u64) -> KeyRing {
    KeyRing::load_or_create(
        dir,
        Duration::from_secs(7 * DAY),
        Duration::from_secs(DAY),
        now,
    )
    .expect("key ring")
}
