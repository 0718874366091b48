//! Identity headers: stripping every incoming one, in every spelling (docs/security.md line 3),
//! and building the ones the gateway hands a backend — pairwise `sitegate-user-id`,
//! email, percent-encoded name, role, groups, and the Codex Sites names for those sites.

#[cfg(test)]
mod tests;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use policy::UserPrincipal;
use ring::hmac;

use super::b64;
use super::keys::KeyRing;

/// Pairwise user id: stable per person per site, different across sites.
pub const USER_ID: &str = "sitegate-user-id";
/// Email, only when verified (or the IdP is trusted for email).
pub const USER_EMAIL: &str = "sitegate-user-email";
/// Display name, percent-encoded UTF-8.
pub const USER_NAME: &str = "sitegate-user-name";
/// Workspace role: `owner`, `admin` or `member`.
pub const USER_ROLE: &str = "sitegate-user-role";
/// Workspace groups, comma-separated, each percent-encoded.
pub const USER_GROUPS: &str = "sitegate-user-groups";
/// Codex Sites: pairwise user id.
pub const OAI_USER_ID: &str = "oai-authenticated-user-id";
/// Codex Sites: email.
pub const OAI_USER_EMAIL: &str = "oai-authenticated-user-email";
/// Codex Sites: full name, percent-encoded UTF-8.
pub const OAI_USER_FULL_NAME: &str = "oai-authenticated-user-full-name";
/// Codex Sites: how the full name is encoded.
pub const OAI_USER_FULL_NAME_ENCODING: &str = "oai-authenticated-user-full-name-encoding";
/// The value of `oai-authenticated-user-full-name-encoding`.
pub const PERCENT_ENCODED_UTF8: &str = "percent-encoded-utf-8";

/// Header-name prefixes (after normalizing) that only the gateway may set.
const RESERVED_PREFIXES: &[&str] = &["sitegate-", "x-sitegate-", "oai-authenticated-"];
/// Whole header names (after normalizing) that only the gateway may see or set.
const RESERVED_NAMES: &[&str] = &["oai-sites-authorization"];

/// What `encodeURIComponent` leaves alone; everything else is escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// True when `name` is an identity header in any spelling: any case, `_` or `.` for `-`.
pub fn is_identity_header(name: &str) -> bool {
    RESERVED_PREFIXES
        .iter()
        .any(|p| name.get(..p.len()).is_some_and(|start| spells(start, p)))
        || RESERVED_NAMES.iter().any(|r| spells(name, r))
}

/// Whether header name `name` is `canonical` (lowercase, with `-`) in some spelling: any
/// case, `_` or `.` for `-`, as CGI-style stacks read them.
pub fn spells(name: &str, canonical: &str) -> bool {
    name.len() == canonical.len()
        && name.bytes().zip(canonical.bytes()).all(|(a, b)| {
            let a = match a.to_ascii_lowercase() {
                b'_' | b'.' => b'-',
                other => other,
            };
            a == b
        })
}

/// The identity headers present in `headers` (each name once, however often it repeats),
/// for the caller to remove through its own header API (`headers::strip_identity`).
/// Read `oai-sites-authorization` before stripping: it is one of them.
pub fn identity_header_names(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .keys()
        .filter(|n| is_identity_header(n.as_str()))
        .cloned()
        .collect()
}

/// Who the backend is told is asking.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    /// ID token `iss`.
    pub issuer: &'a str,
    /// ID token `sub`.
    pub subject: &'a str,
    /// Email, already filtered: `None` unless verified or the IdP is trusted for email.
    pub email: Option<&'a str>,
    /// Display name.
    pub name: Option<&'a str>,
    /// Workspace role, if the person is a member.
    pub role: Option<&'a str>,
    /// Workspace groups.
    pub groups: &'a [String],
}

impl<'a> Identity<'a> {
    /// The identity of signed-in `claims`; the email counts only when verified or when
    /// `email_trusted` (the IdP is configured as trusted for email).
    pub fn from_claims(
        claims: &'a UserPrincipal,
        email_trusted: bool,
        role: Option<&'a str>,
        groups: &'a [String],
    ) -> Self {
        Identity {
            issuer: &claims.issuer,
            subject: &claims.subject,
            email: claims
                .email
                .as_deref()
                .filter(|_| claims.email_verified || email_trusted),
            name: claims.name.as_deref(),
            role,
            groups,
        }
    }
}

/// The pairwise id of a person on a site: the first 22 characters of
/// base64url(HMAC-SHA256(pairwise key, issuer || 0 || subject || 0 || site id)).
pub fn pairwise_id(keys: &KeyRing, issuer: &str, subject: &str, site_id: &str) -> String {
    let mut ctx = hmac::Context::with_key(keys.pairwise_key());
    ctx.update(issuer.as_bytes());
    ctx.update(&[0]);
    ctx.update(subject.as_bytes());
    ctx.update(&[0]);
    ctx.update(site_id.as_bytes());
    let mut id = b64(ctx.sign().as_ref());
    id.truncate(22);
    id
}

/// Percent-encodes UTF-8 text as `encodeURIComponent` does.
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// The headers to add for `who` on `site_id` (after stripping the client's). Codex Sites
/// builds also get the `oai-authenticated-*` names. An email that is not plain printable
/// ASCII is left out rather than mangled.
pub fn identity_headers(
    keys: &KeyRing,
    site_id: &str,
    who: &Identity<'_>,
    codex: bool,
) -> Vec<(HeaderName, HeaderValue)> {
    let mut out = Vec::with_capacity(if codex { 9 } else { 5 });
    let mut push = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::try_from(value) {
            out.push((HeaderName::from_static(name), v));
        }
    };
    let id = pairwise_id(keys, who.issuer, who.subject, site_id);
    let email = who
        .email
        .filter(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_graphic()));
    let name = who.name.map(percent_encode);
    if codex {
        push(OAI_USER_ID, id.clone());
        if let Some(e) = email {
            push(OAI_USER_EMAIL, e.to_string());
        }
        if let Some(n) = &name {
            push(OAI_USER_FULL_NAME, n.clone());
            push(
                OAI_USER_FULL_NAME_ENCODING,
                PERCENT_ENCODED_UTF8.to_string(),
            );
        }
    }
    push(USER_ID, id);
    if let Some(e) = email {
        push(USER_EMAIL, e.to_string());
    }
    if let Some(n) = name {
        push(USER_NAME, n);
    }
    if let Some(r) = who.role {
        push(USER_ROLE, percent_encode(r));
    }
    if !who.groups.is_empty() {
        let groups: Vec<String> = who.groups.iter().map(|g| percent_encode(g)).collect();
        push(USER_GROUPS, groups.join(","));
    }
    out
}
