//! structuredClone and performance, with the outputs workerd gives for the same code.

use crate::testutil::run;

/// Runs `body` with `tryit(f)` (the value, or `name: message` of what `f` threw) in scope and
/// returns the lines of `out`.
fn lines(body: &str) -> String {
    run(&format!(
        r#"const out = [];
        const tryit = (f) => {{ try {{ return f(); }} catch (e) {{ return e.name + ": " + e.message; }} }};
        {body}
        return out.join("\n");"#
    ))
}

#[test]
fn language_values_are_copied_with_their_shape() {
    let out = lines(
        r#"
        class K { constructor() { this.x = 1; } get y() { return 2; } }
        const k = structuredClone(new K());
        out.push(JSON.stringify(k), Object.getPrototypeOf(k) === Object.prototype);
        const o = {}; o.self = o; const oc = structuredClone(o); out.push(oc.self === oc);
        const arr = [1, , 3]; arr.extra = "e"; const ac = structuredClone(arr);
        out.push(ac.length, 1 in ac, ac.extra);
        out.push(structuredClone(new Map([[1, { a: 2 }]])).get(1).a,
            structuredClone(new Set([7])).has(7), structuredClone(new Date(5)).getTime(),
            structuredClone(/a/gi).flags, structuredClone(10n), typeof structuredClone(Object(3)));
        const u = new Uint8Array(4); const x = structuredClone({ u, v: u });
        out.push(x.u === x.v, x.u !== u, x.u instanceof Uint8Array);
        const d = structuredClone(new DataView(new ArrayBuffer(8), 2, 4));
        out.push(d.byteOffset, d.byteLength, structuredClone(Object.create(null)) !== null);
    "#,
    );
    assert_eq!(
        out,
        r#"{"x":1}
true
true
3
false
e
2
true
5
gi
10
object
true
true
true
2
4
true"#
    );
}

#[test]
fn errors_keep_standard_names_message_and_cause() {
    let out = lines(
        r#"
        const e = structuredClone(new TypeError("boom", { cause: 3 }));
        out.push(e instanceof TypeError, e.message, e.cause, Object.keys(e).join(","), typeof e.stack);
        const c = new RangeError("r"); c.name = "Foo"; out.push(structuredClone(c).name);
        const dom = structuredClone(new DOMException("m", "AbortError"));
        out.push(dom instanceof DOMException, dom.name, dom.code);
    "#,
    );
    assert_eq!(out, "true\nboom\n3\n\nstring\nError\ntrue\nAbortError\n20");
}

#[test]
fn uncloneable_values_throw_data_clone_errors() {
    let out = lines(
        r#"
        out.push(tryit(() => structuredClone(() => 1)));
        out.push(tryit(() => structuredClone(Symbol("x"))));
        out.push(tryit(() => structuredClone({ a: function f() {} })));
        out.push(tryit(() => structuredClone(new WeakMap())));
        out.push(tryit(() => structuredClone(Promise.resolve())));
        out.push(tryit(() => structuredClone({ get x() { throw new Error("getter"); } })));
        out.push(tryit(() => structuredClone(new ReadableStream())));
        out.push(tryit(() => structuredClone(new URL("http://a/"))));
        out.push(tryit(() => structuredClone(new TextEncoder())));
    "#,
    );
    assert_eq!(
        out,
        r#"DataCloneError: () => 1 could not be cloned.
DataCloneError: Symbol(x) could not be cloned.
DataCloneError: function f() {} could not be cloned.
DataCloneError: #<WeakMap> could not be cloned.
DataCloneError: #<Promise> could not be cloned.
Error: getter
DataCloneError: ReadableStream can only be serialized for RPC.
DataCloneError: Could not serialize object of type "URL". This type does not support serialization.
DataCloneError: Could not serialize object of type "TextEncoder". This type does not support serialization."#
    );
}

#[test]
fn serializable_web_objects_are_copied() {
    let out = lines(
        r#"
        const r = structuredClone(new Request("http://x/y", { method: "POST" }));
        out.push(r instanceof Request, r.url, r.method);
        const b = new Blob(["abc"], { type: "text/plain" }); const bc = structuredClone(b);
        out.push(bc instanceof Blob, bc !== b, bc.size, bc.type, await bc.text());
        const f = structuredClone(new File(["zz"], "a.txt", { lastModified: 9 }));
        out.push(f instanceof File, f.name, f.lastModified, f.size);
        const h = structuredClone(new Headers({ a: "1" })); out.push(h instanceof Headers, h.get("a"));
    "#,
    );
    assert_eq!(
        out,
        "true\nhttp://x/y\nPOST\ntrue\ntrue\n3\ntext/plain\nabc\ntrue\na.txt\n9\n2\ntrue\n1"
    );
}

#[test]
fn transfer_detaches_buffers_and_checks_its_argument() {
    let out = lines(
        r#"
        const u = new Uint8Array([1, 2, 3]);
        const uc = structuredClone(u, { transfer: [u.buffer] });
        out.push(u.byteLength, uc.join());
        const b = new ArrayBuffer(4); out.push(structuredClone(1, { transfer: [b, b] }), b.byteLength);
        out.push(tryit(() => structuredClone(1, { transfer: 5 })));
        out.push(tryit(() => structuredClone(1, { transfer: [5] })));
        out.push(structuredClone(1, null), structuredClone(2, { transfer: undefined }));
        out.push(tryit(() => structuredClone(1, 5)));
        out.push(tryit(() => structuredClone()));
    "#,
    );
    assert_eq!(
        out,
        r#"0
1,2,3
1
0
TypeError: Incorrect type for the 'transfer' field on 'StructuredCloneOptions': the provided value is not of type 'Array'.
TypeError: Object is not transferable
1
2
TypeError: Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope': parameter 2 is not of type 'StructuredCloneOptions'.
TypeError: Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'Value'."#
    );
}

#[test]
fn performance_reads_the_date_clock_as_in_workerd() {
    let out = lines(
        r#"
        out.push(performance.now() === Date.now(), performance.timeOrigin, JSON.stringify(performance),
            String(performance), typeof Performance);
    "#,
    );
    assert_eq!(out, "true\n0\n{}\n[object Performance]\nundefined");
}
