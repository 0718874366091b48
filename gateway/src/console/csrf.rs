//! The console's CSRF token: an HMAC of the sign-in host session's id, put in every form and
//! checked on every POST (besides refusing cross-site requests), so another site cannot make
//! a signed-in admin's browser change anything.

use ring::hmac;

use crate::auth::keys::KeyRing;

/// The token for the session `session_id`.
pub fn token(keys: &KeyRing, session_id: &str) -> String {
    let tag = hmac::sign(
        keys.code_key(),
        format!("console-csrf\0{session_id}").as_bytes(),
    );
    crate::auth::hex(&tag.as_ref()[..16])
}

/// Whether `presented` is the token of `session_id`.
pub fn valid(keys: &KeyRing, session_id: &str, presented: Option<&str>) -> bool {
    let expected = token(keys, session_id);
    presented.is_some_and(|p| crate::auth::constant_time_eq(p.as_bytes(), expected.as_bytes()))
}
