//! Response.

use super::{eval, eval_internal, thrown, IMMUTABLE, MUTABLE, MUTATIONS};

#[test]
fn a_response_has_workerd_defaults() {
    let out = eval(
        "const r = new Response('hi'); \
         return [r.status, r.statusText, r.ok, r.redirected, r.type, r.url, r.webSocket, r.cf, [...r.headers], \
         Object.prototype.toString.call(r), new Response().body, new Response(undefined, undefined).status];",
    );
    assert_eq!(
        out,
        r#"[200,"",true,false,"default","",null,null,[["content-type","text/plain;charset=UTF-8"]],"[object Response]",null,200]"#
    );
}

#[test]
fn the_status_must_be_200_to_599() {
    let range = "RangeError: Responses may only be constructed with status codes in the range 200 to 599, inclusive.";
    for status in ["99", "600", "0", "101", "NaN", "-1", "'abc'"] {
        assert_eq!(
            thrown(&format!("new Response('a', {{status: {status}}})")),
            range,
            "{status}"
        );
    }
    assert_eq!(
        thrown("new Response(null, {status: 2 ** 32 + 200})"),
        "TypeError: Value out of range. Must be between -2147483648 and 2147483647 (inclusive)."
    );
    assert_eq!(
        eval("return [new Response(null, {status: '201'}).status, new Response(null, {status: 201.5}).status, \
              new Response(null, {status: 599}).ok, new Response(null, {status: 299}).ok, new Response(null, {status: 404}).statusText]"),
        r#"[201,201,false,true,""]"#
    );
}

#[test]
fn null_body_statuses_refuse_a_body_but_not_an_empty_one() {
    assert_eq!(
        thrown("new Response('a', {status: 204})"),
        "TypeError: Response with null body status (101, 204, 205, or 304) cannot have a body."
    );
    let out = eval(
        "const empty = new Response('', {status: 304}); const none = new Response(null, {status: 205}); \
         return [empty.body, await empty.text(), empty.status, none.status, none.ok];",
    );
    assert_eq!(out, r#"[null,"",304,205,true]"#);
}

#[test]
fn status_text_must_be_a_reason_phrase() {
    assert_eq!(
        thrown("new Response('a', {statusText: 'a\\nb'})"),
        "TypeError: Invalid statusText"
    );
    assert_eq!(
        eval("return new Response('a', {statusText: 'Très bien'}).statusText"),
        "Très bien"
    );
}

#[test]
fn init_must_be_a_dictionary_or_response() {
    assert_eq!(
        thrown("new Response('x', 5)"),
        "TypeError: Failed to construct 'Response': constructor parameter 2 is not of type 'InitializerDict or Response'."
    );
    assert_eq!(
        thrown("new Response('x', {headers: null})"),
        "TypeError: Incorrect type for the 'headers' field on 'InitializerDict': the provided value is not of type 'Headers or Sequence or object'."
    );
    let out = eval(
        "const a = new Response('abc', {status: 201, statusText: 'Yo', headers: {x: '1'}}); \
         const b = new Response('zz', a); const h = new Headers({a: '1'}); const c = new Response('x', {headers: h, cf: {k: 1}}); h.set('a', '2'); \
         return [b.status, b.statusText, [...b.headers], await b.text(), c.headers === h, c.headers.get('a'), c.cf];",
    );
    assert_eq!(
        out,
        r#"[201,"Yo",[["content-type","text/plain;charset=UTF-8"],["x","1"]],"zz",false,"1",{"k":1}]"#
    );
}

#[test]
fn json_serializes_with_a_json_content_type() {
    let out = eval(
        "const r = Response.json({a: 1}, {status: 201, headers: {'x-a': 'b'}}); \
         const typed = Response.json(1, {headers: {'content-type': 'foo/bar'}}); \
         const undef = Response.json(undefined); \
         return [r.status, [...r.headers], await r.text(), [...typed.headers], await undef.text()];",
    );
    assert_eq!(
        out,
        r#"[201,[["content-type","application/json"],["x-a","b"]],"{\"a\":1}",[["content-type","foo/bar"]],"undefined"]"#
    );
    assert_eq!(
        thrown("Response.json({}, {status: 204})"),
        "TypeError: Response with null body status (101, 204, 205, or 304) cannot have a body."
    );
}

#[test]
fn redirect_takes_an_absolute_url_and_a_redirect_status() {
    let out = eval(
        "const r = Response.redirect('http://x/a b', 301); const d = Response.redirect('http://x/'); \
         return [r.status, [...r.headers], r.body, r.ok, r.type, d.status, Response.redirect('http://x/', '307').status];",
    );
    assert_eq!(
        out,
        r#"[301,[["location","http://x/a%20b"]],null,false,"default",302,307]"#
    );
    assert_eq!(
        thrown("Response.redirect('http://x/', 200)"),
        "RangeError: 200 is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308."
    );
    assert_eq!(
        thrown("Response.redirect('/a', 302)"),
        "TypeError: Unable to parse URL: /a"
    );
}

#[test]
fn error_is_a_network_error_response() {
    let out = eval(
        "const e = Response.error(); const c = e.clone(); \
         return [e.status, e.type, e.ok, e.statusText, [...e.headers], e.body, c.type, c.status];",
    );
    assert_eq!(out, r#"[0,"error",false,"",[],null,"error",0]"#);
}

#[test]
fn clone_shares_bytes_and_tees_streams() {
    let out = eval(
        "const a = new Response('abc', {status: 201, headers: {x: '1'}}); const b = a.clone(); \
         const s = new Response(new ReadableStream({start(c) { c.enqueue(new Uint8Array([97])); c.close(); }})); \
         const t = s.clone(); \
         return [await a.text(), await b.text(), b.status, b.headers.get('x'), await s.text(), await t.text()];",
    );
    assert_eq!(out, r#"["abc","abc",201,"1","a","a"]"#);
    assert_eq!(
        thrown("const a = new Response('abc'); await a.text(); a.clone();"),
        "TypeError: This ReadableStream is currently locked to a reader,"
    );
}

#[test]
fn the_prototype_has_workerds_members() {
    assert_eq!(
        eval("return [Object.getOwnPropertyNames(Response.prototype).sort(), ['json', 'redirect', 'error'].map((m) => typeof Response[m])]"),
        r#"[["cf","clone","constructor","headers","ok","redirected","status","statusText","type","url","webSocket"],["function","function","function"]]"#
    );
}

#[test]
fn the_gateway_takes_a_response_apart_without_making_a_stream() {
    let out = eval_internal(
        "const r = new Response('hello', {status: 201, statusText: 'Made', headers: [['Set-Cookie', 'a=1'], ['set-cookie', 'b=2'], ['x', 'y']]}); \
         const parts = internal.responseParts(r); \
         return [parts.status, parts.statusText, parts.headers, parts.body instanceof Uint8Array, internal.utf8.decode(parts.body), \
         r.bodyUsed, internal.responseParts(new Response(null)).body];",
    );
    assert_eq!(
        out,
        r#"[201,"Made",[["content-type","text/plain;charset=UTF-8"],["set-cookie","a=1"],["set-cookie","b=2"],["x","y"]],true,"hello",true,null]"#
    );
    assert_eq!(
        eval_internal("try { internal.responseParts('nope'); } catch (e) { return `${e.name}: ${e.message}`; }"),
        "TypeError: Expected a Response object from the handler."
    );
    assert_eq!(
        eval_internal("const r = new Response('x'); await r.text(); try { internal.responseParts(r); } catch (e) { return e.message; }"),
        "Body has already been used. It can only be used once. Use tee() first if you need to read it twice."
    );
}

#[test]
fn the_gateway_makes_responses_from_parts() {
    let out = eval_internal(
        "const r = internal.makeResponse(404, 'Nope', [['x', '1']], new Uint8Array([104, 105]), 'https://up/x', true); \
         const s = internal.makeResponse(200, '', [], new ReadableStream({start(c) { c.enqueue(new Uint8Array([97])); c.close(); }}), '', false); \
         return [r instanceof Response, r.status, r.statusText, r.ok, [...r.headers], r.url, r.redirected, await r.text(), await s.text()];",
    );
    assert_eq!(
        out,
        r#"[true,404,"Nope",false,[["x","1"]],"https://up/x",true,"hi","a"]"#
    );
}

#[test]
fn fetch_responses_and_redirects_have_immutable_headers_as_on_workerd() {
    let out = eval_internal(&format!(
        "{MUTATIONS} const fetched = internal.makeResponse(200, '', [['x-a', '1']], null, 'https://up/', false); \
         const moved = Response.redirect('https://example.com/', 301); \
         return [mutations(fetched.headers), mutations(fetched.clone().headers), \
         mutations(moved.headers), mutations(moved.clone().headers), moved.headers.get('location'), \
         mutations(Response.error().headers), mutations(Response.json({{}}).headers), \
         mutations(new Response('x', moved).headers), mutations(new Response(null, fetched).headers), \
         mutations(new Response('x').clone().headers)].join('\\n');"
    ));
    let expected = [
        IMMUTABLE,
        IMMUTABLE,
        IMMUTABLE,
        IMMUTABLE,
        "https://example.com/",
        MUTABLE,
        MUTABLE,
        MUTABLE,
        MUTABLE,
        MUTABLE,
    ];
    assert_eq!(out, expected.join("\n"));
}
