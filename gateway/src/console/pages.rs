//! HTML of the console: one layout (readable on a phone, no script), the sign-in page, my
//! sites, a site's page with its forms, and messages. Everything shown is escaped.

use crate::html::escape as esc;

/// A whole page: `title`, who is signed in (for the header), and `body`.
pub fn layout(title: &str, who: Option<&str>, body: &str) -> String {
    let header = match who {
        Some(email) => format!(
            "<header><a href=\"/console\">Sitegate console</a><span>Signed in as <strong>{}</strong> · \
             <form method=\"post\" action=\"/logout\" class=\"inline\"><button>Sign out</button></form></span></header>",
            esc(email)
        ),
        None => "<header><a href=\"/console\">Sitegate console</a></header>".to_string(),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} · Sitegate</title>\
<style>\
body{{font-family:system-ui,sans-serif;max-width:52rem;margin:0 auto;padding:0 1rem 3rem;color:#1a1a1a;line-height:1.5}}\
header{{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;padding:1rem 0;border-bottom:1px solid #ccc;margin-bottom:1rem}}\
header a{{font-weight:600;color:#1a1a1a;text-decoration:none}}\
a{{color:#0645ad}} table{{border-collapse:collapse;width:100%}} th,td{{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}}\
section{{margin:2rem 0}} label{{display:block;margin:.6rem 0 .2rem;font-weight:600}}\
input,select,textarea{{font-size:1rem;padding:.45rem;width:100%;box-sizing:border-box;border:1px solid #555;border-radius:.3rem}}\
button{{font-size:1rem;padding:.45rem .9rem;border:1px solid #333;border-radius:.3rem;background:#f4f4f4;color:#1a1a1a;cursor:pointer;margin-top:.5rem}}\
form.inline{{display:inline}} form.inline button{{margin:0;padding:.2rem .6rem}}\
.note{{background:#e7f3e7;border:1px solid #2e7d32;padding:.6rem .8rem;border-radius:.3rem}}\
.problem{{background:#fdecea;border:1px solid #b71c1c;padding:.6rem .8rem;border-radius:.3rem;white-space:pre-wrap}}\
.token{{font-family:ui-monospace,monospace;word-break:break-all;background:#f4f4f4;padding:.5rem}}\
small,.muted{{color:#555}} .scroll{{overflow-x:auto}}\
@media (max-width:40rem){{thead{{display:none}} tr{{display:block;border-bottom:1px solid #ccc;padding:.4rem 0}} td{{display:block;border:0;padding:.15rem 0}}}}</style></head>\
<body>{header}<main>{body}</main></body></html>\n",
        title = esc(title),
    )
}

/// A hidden CSRF field.
pub fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(token)
    )
}

/// A one-button form posting to `action` with hidden `fields`.
pub fn button(action: &str, label: &str, csrf: &str, fields: &[(&str, &str)]) -> String {
    let hidden: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                esc(k),
                esc(v)
            )
        })
        .collect();
    format!(
        "<form method=\"post\" action=\"{}\" class=\"inline\">{}{hidden}<button>{}</button></form>",
        esc(action),
        csrf_field(csrf),
        esc(label)
    )
}

/// A message box: `note` (done) or `problem`.
pub fn message(class: &str, text: &str) -> String {
    format!("<p class=\"{class}\" role=\"status\">{}</p>", esc(text))
}

/// The console's sign-in page: one link per identity provider.
pub fn signin(providers: &[(String, String)]) -> String {
    let links: String = providers
        .iter()
        .map(|(name, href)| {
            format!(
                "<p><a href=\"{}\">Continue with {}</a></p>",
                esc(href),
                esc(name)
            )
        })
        .collect();
    layout(
        "Sign in",
        None,
        &format!(
            "<h1>Sign in to the console</h1><p>The console lists the sites of your workspaces and lets \
             their owners and admins manage them. Sign in with your workspace's identity provider.</p>{links}"
        ),
    )
}
