//! The body mixin: what a body can be made of, how it is read, and when it is used up.

use super::{eval, thrown};

const USED: &str = "TypeError: Body has already been used. It can only be used once. Use tee() first if you need to read it twice.";

#[test]
fn each_kind_of_body_init_gives_its_bytes_and_content_type() {
    let out = eval(
        "const inits = ['hé', new Uint8Array([104, 105]).buffer, new Uint8Array([0, 104, 105, 0]).subarray(1, 3), \
         new DataView(new Uint8Array([104, 105]).buffer), new Blob(['x'], {type: 'A/B'}), new Blob(['y']), \
         new URLSearchParams('a=1&b= 2'), 42, {}, null, undefined]; \
         const out = []; \
         for (const init of inits) { const r = new Response(init); out.push([r.headers.get('content-type'), await r.text()]); } \
         return out;",
    );
    assert_eq!(
        out,
        r#"[["text/plain;charset=UTF-8","hé"],[null,"hi"],[null,"hi"],[null,"hi"],["a/b","x"],[null,"y"],["application/x-www-form-urlencoded;charset=UTF-8","a=1&b=+2"],["text/plain;charset=UTF-8","42"],["text/plain;charset=UTF-8","[object Object]"],[null,""],[null,""]]"#
    );
}

#[test]
fn buffers_are_copied_when_the_body_is_made() {
    assert_eq!(
        eval("const u = new Uint8Array([97, 98]); const r = new Response(u); u[0] = 122; return await r.text();"),
        "ab"
    );
}

#[test]
fn readers_return_text_json_buffers_bytes_and_blobs() {
    let out = eval(
        "const json = await new Response('{\"a\":[1]}').json(); \
         const buffer = await new Response('ab').arrayBuffer(); \
         const bytes = await new Response('ab').bytes(); \
         const blob = await new Response('x', {headers: {'content-type': 'Text/HTML; Charset=UTF-8'}}).blob(); \
         const untyped = await new Response(new Uint8Array(1)).blob(); \
         const odd = await new Response('x', {headers: {'content-type': 'a/b;Q=X;q=y'}}).blob(); \
         return [json, buffer.constructor.name, buffer.byteLength, bytes.constructor.name, Array.from(bytes), \
         blob.type, blob.size, blob instanceof File, untyped.type, odd.type];",
    );
    assert_eq!(
        out,
        r#"[{"a":[1]},"ArrayBuffer",2,"Uint8Array",[97,98],"text/html;charset=UTF-8",1,false,"","a/b;q=X"]"#
    );
}

#[test]
fn text_keeps_a_byte_order_mark() {
    assert_eq!(
        eval("return (await new Response(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])).text()).length"),
        "2"
    );
}

#[test]
fn a_body_can_be_read_once() {
    assert_eq!(
        thrown("const r = new Response('a'); await r.text(); await r.text();"),
        USED
    );
    assert_eq!(
        thrown("const r = new Response('a'); r.text(); await r.arrayBuffer();"),
        USED
    );
    let out = eval("const r = new Response('a'); const before = r.bodyUsed; r.text(); return [before, r.bodyUsed];");
    assert_eq!(out, "[false,true]");
}

#[test]
fn an_absent_body_reads_as_empty_any_number_of_times() {
    let out = eval(
        "const r = new Response(null); \
         return [r.body, await r.text(), r.bodyUsed, (await r.arrayBuffer()).byteLength, r.bodyUsed];",
    );
    assert_eq!(out, r#"[null,"",false,0,false]"#);
}

#[test]
fn a_json_syntax_error_rejects() {
    assert!(thrown("await new Response('{').json()").starts_with("SyntaxError"));
}

#[test]
fn body_is_a_byte_stream_made_only_when_asked() {
    let out = eval(
        "const r = new Response('ab'); const s = r.body; const reader = s.getReader(); \
         const first = await reader.read(); const second = await reader.read(); \
         return [s === r.body, s.constructor.name, first.value.constructor.name, Array.from(first.value), second.done, r.bodyUsed];",
    );
    assert_eq!(
        out,
        r#"[true,"ReadableStream","Uint8Array",[97,98],true,true]"#
    );
}

#[test]
fn a_locked_body_is_not_used_but_cannot_be_read() {
    let out = eval("const r = new Response('x'); r.body.getReader(); return r.bodyUsed;");
    assert_eq!(out, "false");
    assert_eq!(
        thrown("const r = new Response('x'); r.body.getReader(); await r.text();"),
        "TypeError: This ReadableStream is currently locked to a reader."
    );
}

#[test]
fn a_used_body_still_has_a_stream() {
    let out = eval(
        "const r = new Response('abc'); await r.text(); \
         return [r.bodyUsed, r.body !== null, Object.prototype.toString.call(r.body)];",
    );
    assert_eq!(out, r#"[true,true,"[object ReadableStream]"]"#);
}

#[test]
fn a_stream_body_is_read_to_the_end() {
    let out = eval(
        "const s = new ReadableStream({start(c) { c.enqueue(new TextEncoder().encode('he')); c.enqueue(new Uint8Array([108, 108, 111])); c.close(); }}); \
         const r = new Response(s); return [r.body === s, await r.text(), r.bodyUsed];",
    );
    assert_eq!(out, r#"[true,"hello",true]"#);
}

#[test]
fn a_locked_or_disturbed_stream_is_not_a_body() {
    let stream = "new ReadableStream({start(c) { c.enqueue(new Uint8Array([97])); c.close(); }})";
    assert_eq!(
        thrown(&format!(
            "const s = {stream}; s.getReader(); new Response(s);"
        )),
        "TypeError: This ReadableStream is locked to a reader, and cannot be used as a body."
    );
    assert_eq!(
        thrown(&format!(
            "const s = {stream}; const r = s.getReader(); await r.read(); r.releaseLock(); new Response(s);"
        )),
        "TypeError: This ReadableStream is disturbed (has already been read from), and cannot be used as a body."
    );
}

#[test]
fn body_is_the_shared_prototype_and_not_constructible() {
    let out = eval(
        "const p = Object.getPrototypeOf(Request.prototype); \
         return [p === Object.getPrototypeOf(Response.prototype), p === Body.prototype, \
         Object.getOwnPropertyNames(p).sort()];",
    );
    assert_eq!(
        out,
        r#"[true,true,["arrayBuffer","blob","body","bodyUsed","bytes","constructor","formData","json","text"]]"#
    );
    assert_eq!(thrown("new Body()"), "TypeError: Illegal constructor");
}
