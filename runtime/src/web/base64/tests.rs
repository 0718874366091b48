use super::forgiving_decode;
use crate::testutil::{eval, thrown};

const BAD: &str = "InvalidCharacterError: atob() called with invalid base64-encoded data. (Only whitespace, '+', '/', alphanumeric ASCII, and up to two terminal '=' signs when the input data length is divisible by 4 are allowed.)";

#[test]
fn forgiving_base64_follows_the_padding_rules() {
    assert_eq!(forgiving_decode(" YW Jj\n").as_deref(), Some(&b"abc"[..]));
    assert_eq!(forgiving_decode("YQ").as_deref(), Some(&b"a"[..]));
    assert_eq!(forgiving_decode("YR==").as_deref(), Some(&b"a"[..]));
    assert_eq!(forgiving_decode("").as_deref(), Some(&b""[..]));
    for bad in ["YWJjZA=", "Y", "YQ===", "Y=Q=", "YQ-_", "a\u{e9}"] {
        assert_eq!(forgiving_decode(bad), None, "{bad}");
    }
}

#[test]
fn atob_decodes_to_a_binary_string() {
    assert_eq!(
        eval("atob('//4=').split('').map(c => c.charCodeAt(0)).join()"),
        "255,254"
    );
    assert_eq!(eval("atob(null)"), "\u{9e}\u{e9}e");
    assert_eq!(thrown("atob(undefined)"), BAD);
    assert_eq!(thrown("atob('YQ===')"), BAD);
    assert_eq!(
        eval("try { atob('*') } catch (e) { String(e instanceof DOMException) + e.code }"),
        "true5"
    );
    assert_eq!(thrown("atob()"), "TypeError: Failed to execute 'atob' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'string'.");
}

#[test]
fn btoa_takes_latin1_only() {
    assert_eq!(
        eval("btoa('\\xff\\xfe') + btoa('') + btoa('abc')"),
        "//4=YWJj"
    );
    assert_eq!(thrown("btoa('\\u0100')"), "InvalidCharacterError: btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range.");
    assert_eq!(thrown("btoa('\\uD800')"), "InvalidCharacterError: btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range.");
    assert_eq!(thrown("btoa()"), "TypeError: Failed to execute 'btoa' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'String'.");
}
