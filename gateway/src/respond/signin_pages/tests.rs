//! Unit tests for the sign-in failure pages: each failure's page says what the table says, in
//! its frame, with everything that comes from the request escaped.

use super::*;
use crate::respond::Reply;

fn body(reply: &Reply) -> String {
    let (content_type, body) = reply.body.as_ref().expect("a page");
    assert_eq!(*content_type, "text/html; charset=utf-8");
    String::from_utf8(body.clone()).expect("utf-8")
}

#[test]
fn a_sign_in_failure_gets_its_status_title_message_and_the_escaped_request_id() {
    let reply = Reply::fail(SigninFailure::FlowExpired, "<id>");
    assert_eq!(reply.status, 400);
    let page = body(&reply);
    assert!(page.contains("<title>Sign-in expired</title>"), "{page}");
    assert!(page.contains("<h1>Sign-in expired</h1><p>This sign-in was not started in this browser, or it took too long. Start again from the site.</p>"), "{page}");
    assert!(page.contains("Request id &lt;id&gt;"), "{page}");
    assert!(!page.contains("<id>"), "{page}");
    assert_eq!(Reply::fail(SigninFailure::TooManyAttempts, "r").status, 429);
    assert_eq!(
        Reply::fail(SigninFailure::AnswerUnverified, "r").status,
        502
    );
}

#[test]
fn an_expired_link_offers_to_sign_in_again_at_the_escaped_url() {
    let retry = "https://auth.test/signin?site=a&return_to=\"/x\"".to_string();
    let page = body(&Reply::fail(SigninFailure::LinkExpired { retry }, "r"));
    assert!(
        page.contains("<p><a href=\"https://auth.test/signin?site=a&amp;return_to=&quot;/x&quot;\">Try signing in again</a></p>"),
        "{page}"
    );
}

#[test]
fn development_idp_failures_carry_its_banner_and_no_request_id() {
    let reply = Reply::fail(SigninFailure::DevNoCode, "r-1");
    assert_eq!(reply.status, 500);
    let page = body(&reply);
    assert!(
        page.contains("<title>Development sign-in</title>"),
        "{page}"
    );
    assert!(page.contains(DEV_IDP_BANNER), "{page}");
    assert!(
        page.contains("<h1>Cannot sign in</h1><p>Could not make a code.</p>"),
        "{page}"
    );
    assert!(!page.contains("r-1"), "{page}");
}

#[test]
fn console_failures_are_drawn_in_the_frame_given_with_their_details_escaped() {
    let failure = SigninFailure::NotManager {
        site: "<wiki>".into(),
        email: "ann&co@acme.test".into(),
        why: "you are a member of \"Acme\"".into(),
        my_sites: "/console".into(),
    };
    let reply = Reply::fail_in(failure, |title, body| format!("[{title}]{body}"));
    assert_eq!(reply.status, 403);
    assert_eq!(
        body(&reply),
        "[Not allowed]<h1>Only owners and admins manage &lt;wiki&gt;</h1>\
<p>You are signed in as <strong>ann&amp;co@acme.test</strong>, and you are a member of &quot;Acme&quot;.</p>\
<p><a href=\"/console\">Back to my sites</a></p>"
    );
    let missing = SigninFailure::NoSuchSite {
        site: "a/<b>".into(),
    };
    let reply = Reply::fail_in(missing, |title, body| format!("[{title}]{body}"));
    assert_eq!(reply.status, 404);
    assert_eq!(
        body(&reply),
        "[Not found]<h1>No such site</h1><p>There is no site a/&lt;b&gt;.</p>"
    );
}
