//! Request.

use super::{eval, eval_internal, thrown, IMMUTABLE, MUTABLE, MUTATIONS};

#[test]
fn a_request_has_workerd_defaults() {
    let out = eval(
        "const q = new Request('http://x/a?b#c'); \
         return [q.url, q.method, q.redirect, q.keepalive, q.cache, q.integrity, q.cf, q.fetcher, q.body, q.bodyUsed, \
         q.headers instanceof Headers, [...q.headers], q.mode, q.credentials, q.signal.aborted, q.signal === q.signal, \
         Object.prototype.toString.call(q)];",
    );
    assert_eq!(
        out,
        r#"["http://x/a?b#c","GET","follow",false,null,"",null,null,null,false,true,[],null,null,false,true,"[object Request]"]"#
    );
}

#[test]
fn the_url_must_be_absolute() {
    assert_eq!(
        thrown("new Request('/foo')"),
        "TypeError: Invalid URL: /foo"
    );
    assert_eq!(
        thrown("new Request('http://')"),
        "TypeError: Invalid URL: http://"
    );
    assert_eq!(
        eval("return [new Request(new URL('http://a/b')).url, new Request('HTTP://X.com:80/a/../b').url]"),
        r#"["http://a/b","http://x.com/b"]"#
    );
    assert_eq!(
        thrown("new Request()"),
        "TypeError: Failed to construct 'Request': constructor parameter 1 is not of type 'Request or string'."
    );
}

#[test]
fn methods_are_upper_cased_from_workerds_list() {
    let out = eval(
        "return ['get', 'Post', 'patch', 'PURGE', 'propfind', 'query', 'ban', 'TRACE'].map((m) => new Request('http://x/', {method: m}).method)",
    );
    assert_eq!(
        out,
        r#"["GET","POST","PATCH","PURGE","PROPFIND","QUERY","BAN","TRACE"]"#
    );
    for method in ["CONNECT", "connect", "FOO", "a b", "M-SEARCH", ""] {
        assert_eq!(
            thrown(&format!("new Request('http://x/', {{method: {method:?}}})")),
            format!("TypeError: Invalid HTTP method string: {method}")
        );
    }
}

#[test]
fn get_and_head_cannot_have_a_body() {
    for init in ["{body: 'a'}", "{method: 'HEAD', body: 'a'}", "{body: ''}"] {
        assert_eq!(
            thrown(&format!("new Request('http://x/', {init})")),
            "TypeError: Request with a GET or HEAD method cannot have a body.",
            "{init}"
        );
    }
    assert_eq!(
        thrown(
            "new Request(new Request('http://x/', {method: 'PUT', body: 'a'}), {method: 'GET'})"
        ),
        "TypeError: Request with a GET or HEAD method cannot have a body."
    );
    assert_eq!(
        eval("const q = new Request(new Request('http://x/', {method: 'PUT', body: 'a'}), {method: 'GET', body: null}); return [q.method, q.body];"),
        r#"["GET",null]"#
    );
}

#[test]
fn a_body_sets_a_default_content_type() {
    let out = eval(
        "const text = new Request('http://x/', {method: 'POST', body: 'x'}); \
         const typed = new Request('http://x/', {method: 'POST', body: 'x', headers: {'content-type': 'a/b'}}); \
         const blob = new Request('http://x/', {method: 'POST', body: new Blob(['a'], {type: 'x/y'})}); \
         return [[...text.headers], [...typed.headers], [...blob.headers], await text.text(), await blob.text()];",
    );
    assert_eq!(
        out,
        r#"[[["content-type","text/plain;charset=UTF-8"]],[["content-type","a/b"]],[["content-type","x/y"]],"x","a"]"#
    );
}

#[test]
fn redirect_is_follow_or_manual() {
    assert_eq!(
        eval("return new Request('http://x/', {redirect: 'manual'}).redirect"),
        "manual"
    );
    for mode in ["error", "foo"] {
        assert_eq!(
            thrown(&format!("new Request('http://x/', {{redirect: '{mode}'}})")),
            "TypeError: Invalid redirect value, must be one of \"follow\" or \"manual\" (\"error\" won't be implemented since it does not make sense at the edge; use \"manual\" and check the response status code)."
        );
    }
}

#[test]
fn init_options_as_in_workerd() {
    let out = eval(
        "const c = new AbortController(); \
         const q = new Request('http://x/', {signal: c.signal, cf: {a: 1}, cache: 'no-store', integrity: '', keepalive: true, mode: 'cors', credentials: 'include'}); \
         return [q.signal === c.signal, q.cf, q.cache, q.integrity, q.keepalive, q.mode, q.credentials, \
         new Request('http://x/', {cache: 'no-cache'}).cache];",
    );
    assert_eq!(
        out,
        r#"[true,{"a":1},"no-store","",false,null,null,"no-cache"]"#
    );
    assert_eq!(
        thrown("new Request('http://x/', {cache: 'reload'})"),
        "TypeError: Unsupported cache mode: reload"
    );
    assert_eq!(
        thrown("new Request('http://x/', {integrity: 'sha-1'})"),
        "TypeError: Subrequest integrity checking is not implemented. The integrity option must be either undefined or an empty string."
    );
    assert_eq!(
        thrown("new Request('http://x/', {headers: 5})"),
        "TypeError: Incorrect type for the 'headers' field on 'RequestInitializerDict': the provided value is not of type 'Headers or Sequence or object'."
    );
    assert_eq!(
        eval(
            "return [...new Request('http://x/', {headers: [['X-A', '1'], ['x-a', '2']]}).headers]"
        ),
        r#"[["x-a","1, 2"]]"#
    );
}

#[test]
fn a_request_from_a_request_takes_its_body_and_copies_the_rest() {
    let out = eval(
        "const a = new Request('http://x/', {method: 'POST', body: 'abc', headers: {x: '1'}, redirect: 'manual', cf: {z: 1}}); \
         const b = new Request(a); a.headers.set('x', '2'); \
         return [a.bodyUsed, b.url, b.method, b.redirect, b.cf, [...b.headers], await b.text()];",
    );
    assert_eq!(
        out,
        r#"[true,"http://x/","POST","manual",{"z":1},[["content-type","text/plain;charset=UTF-8"],["x","1"]],"abc"]"#
    );
    let out = eval(
        "const a = new Request('http://x/', {method: 'PUT', headers: {q: '1'}, body: 'a'}); \
         const b = new Request(a, {method: 'POST', headers: {r: '2'}}); \
         return [b.method, [...b.headers], await b.text()];",
    );
    assert_eq!(out, r#"["POST",[["r","2"]],"a"]"#);
    assert_eq!(
        thrown("const a = new Request('http://x/', {method: 'POST', body: 'abc'}); await a.text(); new Request(a);"),
        "TypeError: Cannot reconstruct a Request with a used body."
    );
    assert_eq!(
        eval("const a = new Request('http://x/', {method: 'POST', body: 'abc'}); await a.text(); return await new Request(a, {body: 'x'}).text();"),
        "x"
    );
}

#[test]
fn a_request_as_init_lends_its_body_without_using_it() {
    let out = eval(
        "const q = new Request('http://x/', {method: 'POST', body: 'x'}); const b = new Request('http://y/', q); \
         return [b.url, b.method, await b.text(), q.bodyUsed, await q.text()];",
    );
    assert_eq!(out, r#"["http://y/","POST","x",false,"x"]"#);
}

#[test]
fn clone_tees_the_body() {
    let out = eval(
        "const a = new Request('http://x/', {method: 'PUT', body: 'abc', redirect: 'manual', cf: {z: 1}, headers: {q: '1'}}); \
         const b = a.clone(); \
         return [await a.text(), await b.text(), b.method, b.redirect, b.cf, [...b.headers], b.headers === a.headers];",
    );
    assert_eq!(
        out,
        r#"["abc","abc","PUT","manual",{"z":1},[["content-type","text/plain;charset=UTF-8"],["q","1"]],false]"#
    );
    let out = eval(
        "const s = new ReadableStream({start(c) { c.enqueue(new Uint8Array([97])); c.close(); }}); \
         const a = new Request('http://x/', {method: 'POST', body: s}); const b = a.clone(); \
         return [await a.text(), await b.text()];",
    );
    assert_eq!(out, r#"["a","a"]"#);
    assert_eq!(
        thrown("const a = new Request('http://x/', {method: 'POST', body: 'abc'}); await a.text(); a.clone();"),
        "TypeError: This ReadableStream is currently locked to a reader,"
    );
}

#[test]
fn the_prototype_has_workerds_members() {
    assert_eq!(
        eval("return Object.getOwnPropertyNames(Request.prototype).sort()"),
        r#"["cache","cf","clone","constructor","fetcher","headers","integrity","keepalive","method","redirect","signal","url"]"#
    );
}

#[test]
fn the_gateway_makes_requests_and_takes_them_apart() {
    let out = eval_internal(
        "const body = new Uint8Array([104, 105]); \
         const q = internal.makeRequest('POST', 'https://site.example/p?q=1', [['x-a', '1'], ['Set-Cookie', 'a'], ['set-cookie', 'b']], body, {colo: 'LOCAL'}); \
         const seen = [q instanceof Request, q.method, q.url, [...q.headers], q.cf, q.bodyUsed]; \
         const parts = internal.requestParts(q); \
         const streamed = internal.makeRequest('PUT', 'https://s/', [], new ReadableStream({start(c) { c.enqueue(new Uint8Array([1])); c.close(); }})); \
         const empty = internal.makeRequest('GET', 'https://s/', [], null); \
         return [seen, parts.method, parts.url, parts.headers, parts.body === body, parts.redirect, parts.signal, q.bodyUsed, \
         await streamed.text(), internal.requestParts(empty).body];",
    );
    assert_eq!(
        out,
        r#"[[true,"POST","https://site.example/p?q=1",[["set-cookie","a"],["set-cookie","b"],["x-a","1"]],{"colo":"LOCAL"},false],"POST","https://site.example/p?q=1",[["set-cookie","a"],["set-cookie","b"],["x-a","1"]],true,"follow",null,true,"\u0001",null]"#
    );
    assert_eq!(
        eval_internal(
            "try { internal.requestParts({}); } catch (e) { return `${e.name}: ${e.message}`; }"
        ),
        "TypeError: Expected a Request."
    );
}

#[test]
fn the_gateways_request_has_immutable_headers_and_a_new_request_mutable_ones() {
    let out = eval_internal(&format!(
        "{MUTATIONS} const q = internal.makeRequest('GET', 'https://s/', [['x-a', '1']], null); \
         const bad = (() => {{ try {{ q.headers.set('bad name', 'x'); }} catch (e) {{ return e.message; }} }})(); \
         return [mutations(q.headers), mutations(q.clone().headers), q.headers.get('x-a'), bad, \
         mutations(new Request(q).headers), mutations(new Request(q, {{headers: q.headers}}).headers), \
         mutations(new Request('https://s/', q).headers), mutations(new Headers(q.headers))].join('\\n');"
    ));
    let expected = [
        IMMUTABLE,
        IMMUTABLE,
        "1",
        "Can't modify immutable headers.",
        MUTABLE,
        MUTABLE,
        MUTABLE,
        MUTABLE,
    ];
    assert_eq!(out, expected.join("\n"));
}
