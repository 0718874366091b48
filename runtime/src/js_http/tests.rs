use http::{HeaderMap, HeaderValue};
use rquickjs::{Array, Context, Runtime};

use super::{header_map, header_pairs};

/// Runs `f` on a bare context.
fn with_ctx<R>(f: impl for<'js> FnOnce(rquickjs::Ctx<'js>) -> R) -> R {
    let runtime = Runtime::new().unwrap();
    let context = Context::full(&runtime).unwrap();
    context.with(f)
}

#[test]
fn non_ascii_header_bytes_reach_javascript_one_character_each_and_come_back_unchanged() {
    let mut headers = HeaderMap::new();
    headers.append("x-utf8", HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap());
    headers.append("x-latin1", HeaderValue::from_bytes(b"caf\xe9").unwrap());
    headers.append("x-utf8", HeaderValue::from_static("again"));
    with_ctx(|ctx| {
        let pairs = header_pairs(&ctx, &headers).unwrap();
        let seen: Vec<Vec<String>> = pairs
            .iter::<Array>()
            .map(|pair| pair.unwrap().iter::<String>().map(|s| s.unwrap()).collect())
            .collect();
        assert_eq!(
            seen,
            [
                ["x-utf8", "caf\u{c3}\u{a9}"],
                ["x-utf8", "again"],
                ["x-latin1", "caf\u{e9}"],
            ]
        );
        assert_eq!(header_map(&ctx, &pairs).unwrap(), headers);
    });
}

#[test]
fn a_value_past_latin1_is_sent_as_utf8_and_a_bad_name_is_a_type_error() {
    with_ctx(|ctx| {
        let pairs: Array = ctx.eval(r#"[["x-a", "\u20ac"]]"#).unwrap();
        let map = header_map(&ctx, &pairs).unwrap();
        assert_eq!(map["x-a"].as_bytes(), "\u{20ac}".as_bytes());
        let bad: Array = ctx.eval(r#"[["bad name", "1"]]"#).unwrap();
        assert!(header_map(&ctx, &bad).is_err());
        let thrown = ctx.catch();
        let message: String = thrown.as_object().unwrap().get("message").unwrap();
        assert_eq!(message, "Invalid header: bad name");
    });
}
