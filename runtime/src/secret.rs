//! Secret values: `Secret`, whose `Debug` never shows it, and the redaction of a site's
//! secrets from what its own code writes to the log.

use std::borrow::Cow;
use std::fmt;

/// A secret's value; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Secret values shorter than this are not looked for in log text (they would match
/// ordinary words).
const REDACT_MIN_LEN: usize = 6;

/// `text` with every value of `secrets` (name, value) in it replaced by `[secret NAME]`: for
/// what the site's own code writes to the log (console output, the messages of errors it
/// throws).
pub(crate) fn redact<'a>(secrets: &[(String, Secret)], text: &'a str) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for (name, Secret(value)) in secrets {
        if value.len() >= REDACT_MIN_LEN && out.contains(value.as_str()) {
            out = Cow::Owned(out.replace(value.as_str(), &format!("[secret {name}]")));
        }
    }
    out
}
