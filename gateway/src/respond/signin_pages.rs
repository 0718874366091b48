//! The pages of the sign-in host, the site hosts' sign-in endpoints, the development IdP and
//! the console when they fail: why each can fail (`SigninFailure`), the one table that gives
//! each failure its status, title and message, and the frame every sign-in page is drawn in.

use std::borrow::Cow;

use crate::html::escape as esc;

/// Why the sign-in host, a site's sign-in endpoint, the development IdP or the console
/// answered with an error page; [`SigninFailure::page`] gives each its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigninFailure {
    /// Nothing is served at this path of the sign-in host or under `/.sitegate/`.
    NoSuchEndpoint,
    /// `/signin` names a site that does not exist.
    UnknownSite,
    /// None of the identity providers the site accepts is configured.
    NoProvider,
    /// The site does not accept the identity provider asked for.
    ProviderNotAccepted,
    /// No workspace signs in with the identity provider asked for (console sign-in).
    NoWorkspaceProvider,
    /// The sign-in could not start: the identity provider is not configured or unreachable,
    /// or the flow could not be sealed.
    ProviderUnreachable,
    /// The identity provider's answer has no `state`.
    AnswerWithoutState,
    /// The flow cookie for the `state` is missing, expired or does not match.
    FlowExpired,
    /// The `state` was already used.
    FlowReplayed,
    /// The identity provider answered with an `error`.
    ProviderRefused,
    /// The answer has no `code`, or the flow's identity provider is gone.
    AnswerIncomplete,
    /// The identity provider's answer could not be verified.
    AnswerUnverified,
    /// The site the flow was for no longer exists.
    SiteGone,
    /// The sign-in host's session could not be sealed.
    SsoSessionFailed,
    /// No one-time code could be minted for the site, or it has no host.
    HandOffFailed,
    /// The client is over its sign-in rate limit (docs/security.md line 22).
    TooManyAttempts,
    /// A cross-site request to a Codex Sites sign-in or sign-out path.
    CrossSite,
    /// A method a Codex Sites path does not accept.
    MethodNotAllowed,
    /// A site's `/.sitegate/callback` without a `code`.
    LinkIncomplete,
    /// The one-time code was used or expired; `retry` starts sign-in again.
    LinkExpired {
        /// Where to sign in again.
        retry: String,
    },
    /// The site's session could not be sealed.
    SiteSessionFailed,
    /// A console form without a valid CSRF token, or sent cross-site.
    ConsoleCsrf,
    /// Nothing is served at this path of the console.
    NoConsolePage,
    /// The console was asked for a site that does not exist.
    NoSuchSite {
        /// The site's id (`workspace/name`).
        site: String,
    },
    /// The visitor may open the console but not manage this site.
    NotManager {
        /// The site's name.
        site: String,
        /// Who is signed in.
        email: String,
        /// Why not (e.g. "you are a member of Acme").
        why: String,
        /// The console's page of the visitor's sites.
        my_sites: String,
    },
    /// The development IdP's authorize page was asked without `response_type=code` and a
    /// PKCE S256 `code_challenge`.
    DevRequestIncomplete,
    /// The development IdP's sign-in form lacks a field.
    DevFormIncomplete,
    /// The development IdP's sign-in form has no email address.
    DevNoEmail,
    /// The development IdP could not make a code.
    DevNoCode,
    /// The development IdP's `redirect_uri` is not a URL.
    DevBadRedirect,
    /// The development IdP was asked for a client or redirect URI it did not register.
    DevUnregistered,
}

/// The frame a failure's page is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// The sign-in pages' frame, with the request id.
    SignIn,
    /// The sign-in pages' frame under the development IdP's banner.
    DevIdp,
    /// The console's layout (its caller draws it).
    Console,
}

/// A failure's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigninPage {
    /// HTTP status.
    pub status: u16,
    /// The frame it is drawn in.
    pub look: Look,
    /// The page's (tab's) title.
    pub title: &'static str,
    /// The heading (text).
    pub heading: Cow<'static, str>,
    /// What happened, in plain words (HTML: escaped, dynamic parts emphasised).
    pub message: String,
    /// A link under the message: `href` and text.
    pub link: Option<(String, &'static str)>,
}

/// The development IdP's banner, on each of its pages.
pub const DEV_IDP_BANNER: &str = "<p class=\"banner\"><strong>Development identity provider.</strong> For development and demos only: \
anyone who can reach this page can sign in as anyone listed. Turn it off (<code>[dev_idp]</code>) in production.</p>";

impl SigninFailure {
    /// The page for this failure: the one table of sign-in, development IdP and console
    /// failures.
    pub fn page(&self) -> SigninPage {
        use SigninFailure::*;
        match self {
            NoSuchEndpoint => signin(404, "Not found", "There is nothing at this address."),
            UnknownSite => signin(
                404,
                "Unknown site",
                "The link you followed names a site that does not exist.",
            ),
            NoProvider => signin(
                503,
                "Sign-in unavailable",
                "No identity provider is configured for this site.",
            ),
            ProviderNotAccepted => signin(
                400,
                "Unknown provider",
                "This site does not accept that sign-in provider.",
            ),
            NoWorkspaceProvider => signin(
                400,
                "Unknown provider",
                "No workspace signs in with that provider.",
            ),
            ProviderUnreachable => signin(
                502,
                "Sign-in unavailable",
                "The identity provider could not be reached. Try again in a moment.",
            ),
            AnswerWithoutState => signin(
                400,
                "Sign-in failed",
                "The identity provider's answer is incomplete. Start again from the site.",
            ),
            FlowExpired => signin(
                400,
                "Sign-in expired",
                "This sign-in was not started in this browser, or it took too long. Start again from the site.",
            ),
            FlowReplayed => signin(
                400,
                "Sign-in already used",
                "This sign-in link was already used. Start again from the site.",
            ),
            ProviderRefused => signin(
                400,
                "Sign-in refused",
                "The identity provider did not sign you in.",
            ),
            AnswerIncomplete => signin(
                400,
                "Sign-in failed",
                "The identity provider's answer is incomplete.",
            ),
            AnswerUnverified => signin(
                502,
                "Sign-in failed",
                "The identity provider's answer could not be verified.",
            ),
            SiteGone => signin(
                400,
                "Unknown site",
                "The site you were signing in to no longer exists.",
            ),
            SsoSessionFailed => signin(400, "Sign-in failed", "The session could not be created."),
            HandOffFailed => signin(503, "Sign-in unavailable", "Try again in a moment."),
            TooManyAttempts => signin(
                429,
                "Too many attempts",
                "Too many sign-in requests from your network. Wait a minute and try again.",
            ),
            CrossSite => signin(
                403,
                "Cross-site request refused",
                "Signing in or out must start on this site.",
            ),
            MethodNotAllowed => signin(
                405,
                "Not allowed",
                "This address does not accept that kind of request.",
            ),
            LinkIncomplete => signin(400, "Sign-in failed", "The sign-in link is incomplete."),
            LinkExpired { retry } => SigninPage {
                link: Some((retry.clone(), "Try signing in again")),
                ..signin(
                    400,
                    "Sign-in link expired",
                    "This sign-in link was already used or has expired.",
                )
            },
            SiteSessionFailed => signin(500, "Sign-in failed", "The session could not be created."),
            ConsoleCsrf => signin(
                403,
                "Refused",
                "This form was not sent from the console. Reload the page and try again.",
            ),
            NoConsolePage => signin(404, "Not found", "There is no console page at this address."),
            NoSuchSite { site } => SigninPage {
                status: 404,
                look: Look::Console,
                title: "Not found",
                heading: "No such site".into(),
                message: format!("There is no site {}.", esc(site)),
                link: None,
            },
            NotManager {
                site,
                email,
                why,
                my_sites,
            } => SigninPage {
                status: 403,
                look: Look::Console,
                title: "Not allowed",
                heading: format!("Only owners and admins manage {site}").into(),
                message: format!(
                    "You are signed in as <strong>{}</strong>, and {}.",
                    esc(email),
                    esc(why)
                ),
                link: Some((my_sites.clone(), "Back to my sites")),
            },
            DevRequestIncomplete => dev(
                400,
                "The sign-in request is incomplete: it needs response_type=code and a PKCE S256 code_challenge.",
            ),
            DevFormIncomplete => dev(400, "The form is incomplete."),
            DevNoEmail => dev(400, "Enter an email address."),
            DevNoCode => dev(500, "Could not make a code."),
            DevBadRedirect => dev(400, "The redirect_uri is not a URL."),
            DevUnregistered => dev(
                400,
                "The sign-in request names a client or redirect_uri this identity provider does not know; it sends you back only to Sitegate's own sign-in callback.",
            ),
        }
    }
}

/// A sign-in page: `title` is also its heading.
fn signin(status: u16, title: &'static str, message: &'static str) -> SigninPage {
    SigninPage {
        status,
        look: Look::SignIn,
        title,
        heading: title.into(),
        message: esc(message),
        link: None,
    }
}

/// A development IdP page.
fn dev(status: u16, message: &'static str) -> SigninPage {
    SigninPage {
        status,
        look: Look::DevIdp,
        title: "Development sign-in",
        heading: "Cannot sign in".into(),
        message: esc(message),
        link: None,
    }
}

impl SigninPage {
    /// The page's body (HTML) inside its frame: heading, message, link, and (in the sign-in
    /// look) `request_id`.
    pub fn body(&self, request_id: &str) -> String {
        let banner = match self.look {
            Look::DevIdp => DEV_IDP_BANNER,
            Look::SignIn | Look::Console => "",
        };
        let link = self
            .link
            .as_ref()
            .map(|(href, text)| format!("<p><a href=\"{}\">{}</a></p>", esc(href), esc(text)))
            .unwrap_or_default();
        let id = match self.look {
            Look::SignIn => format!("<p><small>Request id {}</small></p>", esc(request_id)),
            Look::DevIdp | Look::Console => String::new(),
        };
        format!(
            "{banner}<h1>{}</h1><p>{}</p>{link}{id}",
            esc(&self.heading),
            self.message
        )
    }
}

/// A whole sign-in page titled `title` around `body` (HTML): server-rendered, no script.
pub fn signin_frame(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}}\
a.button,button{{display:block;width:100%;margin:.5rem 0;padding:.7rem 1rem;font-size:1rem;border:1px solid #555;\
border-radius:.4rem;background:#fff;color:#1a1a1a;text-align:left;text-decoration:none;cursor:pointer}}\
.banner{{background:#fff3cd;border:1px solid #b58900;padding:.6rem .8rem;border-radius:.4rem}}\
small{{color:#555}} input{{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box}}</style></head>\
<body><main>{body}</main></body></html>\n",
        title = esc(title),
    )
}

#[cfg(test)]
mod tests;
