//! What the sign-in host, a site's sign-in endpoint or the console answers, independent of
//! pingora: `respond::reply` writes it, and tests inspect it directly.

use serde_json::Value;

use super::signin_pages::{signin_frame, SigninFailure};

/// A response from a sign-in endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Location`, for redirects.
    pub location: Option<String>,
    /// `Set-Cookie` values.
    pub cookies: Vec<String>,
    /// `Content-Type` and body.
    pub body: Option<(&'static str, Vec<u8>)>,
}

impl Reply {
    /// A `302 Found` to `location`.
    pub fn found(location: impl Into<String>) -> Reply {
        Reply {
            status: 302,
            location: Some(location.into()),
            cookies: Vec::new(),
            body: None,
        }
    }

    /// A `303 See Other` to `location` (after a POST).
    pub fn see_other(location: impl Into<String>) -> Reply {
        Reply {
            status: 303,
            ..Reply::found(location)
        }
    }

    /// A `200 OK` HTML page. A failure's page comes from [`Reply::fail`] or
    /// [`Reply::fail_in`], which take its status from the one table.
    pub fn page(html: String) -> Reply {
        Reply::html(200, html)
    }

    fn html(status: u16, html: String) -> Reply {
        Reply {
            status,
            location: None,
            cookies: Vec::new(),
            body: Some(("text/html; charset=utf-8", html.into_bytes())),
        }
    }

    /// The error page for `failure`, in the sign-in pages' frame, tagged with `request_id`
    /// (the development IdP's pages are not; the console's own failures go through `fail_in`).
    pub fn fail(failure: SigninFailure, request_id: &str) -> Reply {
        let page = failure.page();
        Reply::html(
            page.status,
            signin_frame(page.title, &page.body(request_id)),
        )
    }

    /// The error page for `failure` drawn by `frame` (title, body HTML): the console's layout.
    pub fn fail_in(failure: SigninFailure, frame: impl FnOnce(&str, &str) -> String) -> Reply {
        let page = failure.page();
        Reply::html(page.status, frame(page.title, &page.body("")))
    }

    /// A JSON document.
    pub fn json(status: u16, value: &Value) -> Reply {
        let mut body = value.to_string().into_bytes();
        body.push(b'\n');
        Reply {
            status,
            location: None,
            cookies: Vec::new(),
            body: Some(("application/json", body)),
        }
    }

    /// An answer without a body (`204` to a prefetch).
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            location: None,
            cookies: Vec::new(),
            body: None,
        }
    }

    /// Adds a `Set-Cookie`.
    pub fn cookie(mut self, set_cookie: String) -> Reply {
        self.cookies.push(set_cookie);
        self
    }
}
