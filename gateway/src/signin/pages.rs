//! HTML of the sign-in pages: the provider chooser, signed-out, and the development IdP's
//! sign-in page, in the frame `respond` draws the sign-in error pages in. Server-rendered, no script,
//! escaped throughout.

use super::form::Form;
use crate::html::escape as esc;
use crate::respond::{signin_frame as page, DEV_IDP_BANNER};

/// One sign-in option on the chooser.
pub struct Choice {
    /// Provider display name.
    pub name: String,
    /// URL that starts sign-in with it.
    pub href: String,
}

/// The provider chooser for a site.
pub fn chooser(site_name: &str, site_host: &str, choices: &[Choice]) -> String {
    let buttons: String = choices
        .iter()
        .map(|c| {
            format!(
                "<a class=\"button\" href=\"{}\">Continue with {}</a>",
                esc(&c.href),
                esc(&c.name)
            )
        })
        .collect();
    page(
        "Sign in",
        &format!(
            "<h1>Sign in to {}</h1><p>You are signing in to open <strong>{}</strong>.</p>{buttons}",
            esc(site_name),
            esc(site_host)
        ),
    )
}

/// After logging out of the sign-in host.
pub fn signed_out() -> String {
    page(
        "Signed out",
        "<h1>You are signed out</h1><p>You can close this tab.</p>",
    )
}

/// After logging out of the sign-in host when the IdP's `end_session_endpoint` was refused
/// (docs/security.md line 33): signed out here, not at the provider.
pub fn signed_out_here_only() -> String {
    page(
        "Signed out",
        "<h1>You are signed out</h1><p>You are signed out of Sitegate. Your identity \
         provider's sign-out address was not safe to use, so you may still be signed in \
         there.</p><p>You can close this tab.</p>",
    )
}

/// The development IdP's sign-in page: one button per listed member (email, note), or any
/// email.
pub fn dev_idp_authorize<'a>(
    query: &Form,
    users: impl Iterator<Item = (&'a str, &'a str)>,
) -> String {
    let hidden: String = [
        "client_id",
        "redirect_uri",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
        "scope",
    ]
    .iter()
    .filter_map(|k| {
        query
            .get(k)
            .map(|v| format!("<input type=\"hidden\" name=\"{k}\" value=\"{}\">", esc(v)))
    })
    .collect();
    let buttons: String = users
        .map(|(email, note)| {
            format!(
                "<form method=\"post\" action=\"authorize\">{hidden}<input type=\"hidden\" name=\"email\" value=\"{email}\">\
<button type=\"submit\">{email} <small>{note}</small></button></form>",
                email = esc(email),
                note = esc(note),
            )
        })
        .collect();
    page(
        "Development sign-in",
        &format!(
            "{DEV_IDP_BANNER}<h1>Sign in as</h1>{buttons}<h2>Someone else</h2>\
<form method=\"post\" action=\"authorize\">{hidden}<label for=\"email\">Email</label>\
<input id=\"email\" name=\"email\" type=\"email\" required autocomplete=\"email\">\
<label for=\"name\">Name (optional)</label><input id=\"name\" name=\"name\" autocomplete=\"name\">\
<button type=\"submit\">Sign in</button></form>"
        ),
    )
}
