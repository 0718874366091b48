//! Strict email and DNS name parsing, and allocation-free case-insensitive lookups.
//!
//! docs/security.md line 13: only plain ASCII `local@domain` addresses count; quoted
//! local parts, several `@`, comments and non-ASCII look-alikes never match anything.

#[cfg(test)]
mod tests;

/// Longest email address accepted (RFC 5321 path limit less the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;

/// A strictly parsed email address, borrowed from the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Email<'a> {
    raw: &'a str,
    at: usize,
}

impl<'a> Email<'a> {
    /// Parses `local@domain` strictly: ASCII only, one `@`, a dot-atom local part of at most
    /// 64 characters, and a valid DNS domain with at least two labels.
    pub fn parse(raw: &'a str) -> Result<Email<'a>, &'static str> {
        if raw.is_empty() {
            return Err("it is empty");
        }
        if raw.len() > MAX_EMAIL_LEN {
            return Err("it is longer than 254 characters");
        }
        if !raw.is_ascii() {
            return Err("only ASCII addresses are accepted");
        }
        let mut ats = raw.match_indices('@');
        let Some((at, _)) = ats.next() else {
            return Err("it has no \"@\"");
        };
        if ats.next().is_some() {
            return Err("it has more than one \"@\"");
        }
        check_local(&raw[..at])?;
        check_domain(&raw[at + 1..], 2)?;
        Ok(Email { raw, at })
    }

    /// The part before `@`, as written.
    pub fn local(&self) -> &'a str {
        &self.raw[..self.at]
    }

    /// The part after `@`, as written.
    pub fn domain(&self) -> &'a str {
        &self.raw[self.at + 1..]
    }

    /// The whole address, as written.
    pub fn as_str(&self) -> &'a str {
        self.raw
    }

    /// Calls `f` with the address in lower case, without allocating.
    pub fn with_lowercase<R>(&self, f: impl FnOnce(&str, &str) -> R) -> R {
        if !self.raw.bytes().any(|b| b.is_ascii_uppercase()) {
            return f(self.raw, self.domain());
        }
        let mut buf = [0u8; MAX_EMAIL_LEN];
        let n = self.raw.len().min(MAX_EMAIL_LEN);
        for (d, s) in buf.iter_mut().zip(self.raw.as_bytes()) {
            *d = s.to_ascii_lowercase();
        }
        // ASCII was checked by `parse`, so this cannot fail; stay total anyway.
        let lower = std::str::from_utf8(&buf[..n]).unwrap_or("");
        let domain = lower.get(self.at + 1..).unwrap_or("");
        f(lower, domain)
    }
}

fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-".contains(&b)
}

fn check_local(local: &str) -> Result<(), &'static str> {
    if local.is_empty() {
        return Err("the part before \"@\" is empty");
    }
    if local.len() > 64 {
        return Err("the part before \"@\" is longer than 64 characters");
    }
    if local.starts_with('"') {
        return Err("quoted local parts are not accepted");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("the part before \"@\" has a misplaced \".\"");
    }
    if !local.bytes().all(|b| b == b'.' || is_atext(b)) {
        return Err("the part before \"@\" holds a character that is not allowed");
    }
    Ok(())
}

/// Checks a DNS name: ASCII letters, digits and `-` in labels of 1 to 63 characters, at
/// most 253 characters, at least `min_labels` labels, a top label that is not all digits.
pub(crate) fn check_domain(domain: &str, min_labels: usize) -> Result<(), &'static str> {
    if domain.is_empty() {
        return Err("it is empty");
    }
    if domain.len() > 253 {
        return Err("it is longer than 253 characters");
    }
    if !domain.is_ascii() {
        return Err("only ASCII names are accepted (write IDNs in their xn-- form)");
    }
    if domain.split('.').count() < min_labels {
        return Err("it needs at least two labels, as in example.com");
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Err("it has an empty label");
        }
        if label.len() > 63 {
            return Err("a label is longer than 63 characters");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("labels may hold only letters, digits and '-'");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a label starts or ends with '-'");
        }
    }
    if domain
        .rsplit('.')
        .next()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the last label is all digits");
    }
    Ok(())
}

/// Parses an email address from a configuration file into its lower-case form.
pub fn parse_config_email(raw: &str) -> Result<String, &'static str> {
    Email::parse(raw).map(|e| e.as_str().to_ascii_lowercase())
}

/// Parses an email domain from a configuration file (`acme.com`) into lower case.
pub fn parse_config_domain(raw: &str) -> Result<String, &'static str> {
    check_domain(raw, 2).map(|()| raw.to_ascii_lowercase())
}

/// Parses a site hostname (one label or more) into lower case.
pub fn parse_hostname(raw: &str) -> Result<String, &'static str> {
    check_domain(raw, 1).map(|()| raw.to_ascii_lowercase())
}
