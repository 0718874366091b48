//! Random bytes from the system's generator (ring), for `getRandomValues`, `randomUUID` and
//! key generation.

use ring::rand::{SecureRandom, SystemRandom};
use rquickjs::{Ctx, Result, Value};

use super::operation_error;
use crate::buffer_source::{copy_of, write_into};

/// `length` random bytes.
pub fn bytes(ctx: &Ctx<'_>, length: usize) -> Result<Vec<u8>> {
    let mut out = vec![0; length];
    SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| operation_error(ctx, "The system's random number generator failed."))?;
    Ok(out)
}

/// Fills the view `view` (checked by the JavaScript layer: an integer typed array of at most
/// 65536 bytes) with random bytes.
pub fn fill<'js>(ctx: Ctx<'js>, view: Value<'js>) -> Result<()> {
    let length = copy_of(&ctx, &view)?.map_or(0, |bytes| bytes.len());
    write_into(&ctx, &view, &bytes(&ctx, length)?)
}

/// A random (version 4) UUID in lower-case hex.
pub fn uuid(ctx: Ctx<'_>) -> Result<String> {
    let mut b = bytes(&ctx, 16)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}
