//! multipart/form-data and application/x-www-form-urlencoded bodies.

use super::{eval, thrown};

/// JS that parses `body` (a JS string expression) as a `ct` body and lists the entries, files
/// as ["FILE", name, type, text].
fn parsed(body: &str, ct: &str) -> String {
    eval(&format!(
        "const fd = await new Response({body}, {{headers: {{'content-type': {ct:?}}}}}).formData(); \
         const out = []; \
         for (const [k, v] of fd) out.push([k, typeof v === 'string' ? v : ['FILE', v.name, v.type, await v.text()]]); \
         return out;"
    ))
}

fn parse_error(body: &str, ct: &str) -> String {
    thrown(&format!(
        "await new Response({body}, {{headers: {{'content-type': {ct:?}}}}}).formData();"
    ))
}

const CT: &str = "multipart/form-data; boundary=XX";

#[test]
fn form_data_is_written_with_a_random_boundary_and_escaped_names() {
    let out = eval(
        "const f = new FormData(); f.append('a', '1\\r\\n2'); \
         f.append('fi\"le', new File(['content'], 'n\"a\\nme\\r.txt', {type: 'text/x'})); \
         f.append('b', new Blob(['é'])); \
         const r = new Response(f); const ct = r.headers.get('content-type'); \
         const boundary = ct.slice('multipart/form-data; boundary='.length); \
         return [/^[0-9a-f]{32}$/.test(boundary), (await r.text()).split(boundary).join('B')];",
    );
    assert_eq!(
        out,
        r#"[true,"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n2\r\n--B\r\nContent-Disposition: form-data; name=\"fi%22le\"; filename=\"n%22a%0Ame%0D.txt\"\r\nContent-Type: text/x\r\n\r\ncontent\r\n--B\r\nContent-Disposition: form-data; name=\"b\"; filename=\"b\"\r\nContent-Type: application/octet-stream\r\n\r\né\r\n--B--"]"#
    );
}

#[test]
fn each_body_gets_its_own_boundary() {
    let out = eval(
        "const f = new FormData(); f.append('a', '1'); \
         return new Response(f).headers.get('content-type') !== new Request('http://x/', {method: 'POST', body: f}).headers.get('content-type');",
    );
    assert_eq!(out, "true");
}

#[test]
fn a_round_trip_keeps_strings_files_types_and_line_breaks() {
    let out = eval(
        "const f = new FormData(); f.append('a', 'x\\r\\ny'); f.append('a', 'é'); \
         f.append('f', new File(['hi\\r\\n--', new Uint8Array([0, 255])], 'n.bin', {type: 'app/x'})); \
         const g = await new Response(f).formData(); const file = g.get('f'); \
         return [g.getAll('a'), file instanceof File, file.name, file.type, Array.from(await file.bytes())];",
    );
    assert_eq!(
        out,
        r#"[["x\r\ny","é"],true,"n.bin","app/x",[104,105,13,10,45,45,0,255]]"#
    );
}

#[test]
fn parts_are_strings_or_files_with_their_content_type() {
    let body = r#"'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nval\r\n--XX\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\nContent-Type: Text/Plain; charset=UTF-8\r\n\r\nfile\r\nbody\r\n--XX\r\nContent-Disposition: form-data; name="g"; filename="q"\r\n\r\n\r\n--XX--\r\n'"#;
    assert_eq!(
        parsed(body, CT),
        r#"[["a","val"],["f",["FILE","x.txt","Text/Plain; charset=UTF-8","file\r\nbody"]],["g",["FILE","q","",""]]]"#
    );
}

#[test]
fn line_feeds_alone_preambles_and_epilogues_are_accepted() {
    let lf = r#"'--XX\nContent-Disposition: form-data; name="a"\n\nval\n--XX\r\nContent-Disposition: form-data; name="b"\r\n\r\nv\ral\r\r\n--XX\r\nContent-Disposition: form-data; name="c"\n\r\nv\n--XX--'"#;
    assert_eq!(parsed(lf, CT), r#"[["a","val"],["b","v\ral\r"],["c","v"]]"#);
    let around =
        r#"'junk--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nval\r\n--XX--\r\nafter'"#;
    assert_eq!(parsed(around, CT), r#"[["a","val"]]"#);
    assert_eq!(parsed("'--XX--'", CT), "[]");
}

#[test]
fn disposition_parameters_are_quoted_escaped_and_case_sensitive() {
    let part =
        |cd: &str| format!("'--XX\\r\\nContent-Disposition: {cd}\\r\\n\\r\\nval\\r\\n--XX--'");
    assert_eq!(
        parsed(
            &part(r#"form-data ;  name = \"a\\\"b%22\"; filename=\"f\""#),
            CT
        ),
        r#"[["a\"b%22",["FILE","f","","val"]]]"#
    );
    assert_eq!(
        parsed(
            &part(r#"form-data; name=\"a\"; name=\"b\"; filename=\"\""#),
            CT
        ),
        r#"[["b","val"]]"#
    );
    // Parameters are read up to the first malformed one.
    assert_eq!(
        parsed(&part(r#"form-data; name=\"x\"; a=b; filename=\"f\""#), CT),
        r#"[["x","val"]]"#
    );
    assert_eq!(
        parsed(&part(r#"form-data; name=\"x\" filename=\"f\""#), CT),
        r#"[["x","val"]]"#
    );
    assert_eq!(
        parsed(&part(r#"form-data; name=\"é\"; filename*=UTF-8\'\'x"#), CT),
        r#"[["é","val"]]"#
    );
    let missing = "TypeError: Content-Disposition header in FormData part is missing a name.";
    for cd in [
        "form-data",
        "form-data; name=abc",
        r#"form-data; NAME=\"a\""#,
        r#"form-data; name=\"\""#,
        r#"form-data; name=\"a"#,
        r#"form-data; filename=\"name=\\\"q\\\"\""#,
        r#"form-data; filename=\"\"; name=\"a\""#,
        r#"form-data; a=b; name=\"a\""#,
        r#"form-data;; name=\"a\""#,
    ] {
        assert_eq!(parse_error(&part(cd), CT), missing, "{cd}");
    }
    assert_eq!(
        parse_error(&part(r#"FORM-DATA; name=\"a\""#), CT),
        r#"TypeError: Content-Disposition header for FormData part must have the value "form-data", possibly followed by parameters. Got: "FORM-DATA""#
    );
}

#[test]
fn malformed_messages_are_type_errors_as_in_workerd() {
    let cases = [
        (
            "'garbage'",
            "No initial boundary string (or you have a truncated message).",
        ),
        (
            "''",
            "No initial boundary string (or you have a truncated message).",
        ),
        (
            r#"'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nval\r\n'"#,
            "No subsequent boundary string after multipart message.",
        ),
        (
            r#"'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nval\r\n--XX\r\n'"#,
            "No multipart message header termination found.",
        ),
        (
            r#"'--XX\r\nContent-Type: text/plain\r\n\r\nval\r\n--XX--'"#,
            "No valid Content-Disposition header found in FormData part.",
        ),
        (
            r#"'--XX\r\n\r\nval\r\n--XX--'"#,
            "No multipart message header termination found.",
        ),
        (
            r#"'--XX\r\nContent-Disposition: form-data; name="a"\r\nbogus\r\n\r\nval\r\n--XX--'"#,
            "FormData part had invalid headers.",
        ),
        (
            r#"'--XX\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\nval\r\n--XX--'"#,
            "FormData part had invalid headers.",
        ),
        (
            r#"'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nv--XXal\r\n--XXy\r\n--XX--'"#,
            "Boundary string was not succeeded by CRLF, LF, or '--'.",
        ),
    ];
    for (body, message) in cases {
        assert_eq!(
            parse_error(body, CT),
            format!("TypeError: {message}"),
            "{body}"
        );
    }
}

#[test]
fn the_boundary_comes_from_the_content_type() {
    let body = r#"'--a;b\r\nContent-Disposition: form-data; name="a"\r\n\r\nval\r\n--a;b--'"#;
    assert_eq!(
        parsed(body, "Multipart/Form-Data; charset=utf-8; Boundary=\"a;b\""),
        r#"[["a","val"]]"#
    );
    let no_boundary = "TypeError: No boundary string in Content-Type header. The multipart/form-data MIME type requires a boundary parameter, e.g. 'Content-Type: multipart/form-data; boundary=\"abcd\"'. See RFC 7578, section 4.";
    for ct in [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data;boundary = XX",
    ] {
        assert_eq!(parse_error("'--XX--'", ct), no_boundary, "{ct}");
    }
}

#[test]
fn url_encoded_bodies_are_parsed_and_other_types_refused() {
    assert_eq!(
        parsed(
            "'a=1&b=%20x+y&a=2'",
            "Application/X-WWW-Form-Urlencoded; charset=utf-8"
        ),
        r#"[["a","1"],["b"," x y"],["a","2"]]"#
    );
    assert_eq!(
        thrown("await new Response('a=1').formData()"),
        "TypeError: Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded"
    );
    assert_eq!(
        eval("const r = new Response(new URLSearchParams('a=1&b=2')); return [r.headers.get('content-type'), [...await r.formData()]];"),
        r#"["application/x-www-form-urlencoded;charset=UTF-8",[["a","1"],["b","2"]]]"#
    );
}
