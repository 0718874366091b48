//! DOMException: names, messages, legacy codes, constants, Error-ness.

use crate::testutil::run;

#[test]
fn a_dom_exception_has_name_message_and_legacy_code() {
    let out = run(r#"
        const e = new DOMException("boom", "AbortError");
        return [e.name, e.message, e.code, e instanceof Error, e instanceof DOMException,
            String(e), Object.prototype.toString.call(e)].join("|");
    "#);
    assert_eq!(
        out,
        "AbortError|boom|20|true|true|AbortError: boom|[object DOMException]"
    );
}

#[test]
fn defaults_and_unknown_names_have_code_zero() {
    let out = run(r#"
        const plain = new DOMException();
        const custom = new DOMException("m", "SomethingElse");
        return JSON.stringify([plain.name, plain.message, plain.code, custom.code,
            new DOMException("x", "DataCloneError").code, DOMException.length]);
    "#);
    assert_eq!(out, r#"["Error","",0,0,25,0]"#);
}

#[test]
fn constants_are_on_the_constructor_and_the_prototype() {
    let out = run(r#"
        const e = new DOMException("x", "TimeoutError");
        return JSON.stringify([DOMException.ABORT_ERR, e.TIMEOUT_ERR, DOMException.INDEX_SIZE_ERR,
            DOMException.DATA_CLONE_ERR, Object.keys(DOMException).length, e.code]);
    "#);
    assert_eq!(out, "[20,23,1,25,25,23]");
}

#[test]
fn fields_are_own_read_only_and_show_in_json_as_in_workerd() {
    let out = run(r#"
        const e = new DOMException("boom", "NotFoundError");
        try { e.name = "Other"; } catch (err) { if (!(err instanceof TypeError)) throw err; }
        const json = JSON.parse(JSON.stringify(e));
        return [e.name, Object.keys(e).join(","), json.code, json.name, json.message,
            e.stack.split("\n")[0], typeof e.stack].join("|");
    "#);
    assert_eq!(
        out,
        "NotFoundError|code,name,message,stack|8|NotFoundError|boom|NotFoundError: boom|string"
    );
}
