//! The pages of the sign-in host, the site hosts' sign-in endpoints and the console when they
//! fail: the frame every sign-in page is drawn in, and the error page in it.

use crate::html::escape as esc;

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

/// A sign-in failure explained in plain words, with the request id.
pub fn error_page(title: &str, message: &str, request_id: &str, retry: Option<&str>) -> String {
    let retry = retry
        .map(|href| format!("<p><a href=\"{}\">Try signing in again</a></p>", esc(href)))
        .unwrap_or_default();
    signin_frame(
        title,
        &format!(
            "<h1>{}</h1><p>{}</p>{retry}<p><small>Request id {}</small></p>",
            esc(title),
            esc(message),
            esc(request_id)
        ),
    )
}
