//! IdentityTransformStream and FixedLengthStream, with workerd's results and messages.

use super::run_with_internal;
use crate::testutil::run;

/// Defines `drain(readable)`: every chunk read as `[constructor name, text]`, or the error as
/// "Name: message".
const DRAIN: &str =
    "const drain = async (readable) => { const reader = readable.getReader(); const got = []; \
     try { for (;;) { const { done, value } = await reader.read(); if (done) return got; \
     got.push([value.constructor.name, new TextDecoder().decode(value)]); } } \
     catch (e) { got.push(`${e.name}: ${e.message}`); return got; } }; \
     const settle = (p) => p.then(() => 'ok', (e) => `${e.name}: ${e.message}`);";

#[test]
fn identity_streams_are_transform_streams_that_pass_bytes_through() {
    let out = run(&format!(
        "{DRAIN} const fl = new FixedLengthStream(9); const its = new IdentityTransformStream(); \
         const shape = [fl instanceof IdentityTransformStream, its instanceof TransformStream, \
           Object.prototype.toString.call(fl), Object.prototype.toString.call(its), FixedLengthStream.length]; \
         const w = its.writable.getWriter(); const done = drain(its.readable); \
         const buffer = new Uint8Array([104, 105]); \
         const writes = [await settle(w.write(buffer)), await settle(w.write('é!')), await settle(w.write(new Uint8Array(0))), \
           await settle(w.write(new DataView(new Uint8Array([33]).buffer))), await settle(w.close())]; \
         buffer[0] = 0; \
         return JSON.stringify([shape, writes, await done]);"
    ));
    assert_eq!(
        out,
        r#"[[true,true,"[object FixedLengthStream]","[object IdentityTransformStream]",0],["ok","ok","ok","ok","ok"],[["Uint8Array","hi"],["Uint8Array","é!"],["Uint8Array","!"]]]"#
    );
}

#[test]
fn anything_but_bytes_or_a_string_is_a_type_error() {
    let out = run(&format!(
        "{DRAIN} const its = new IdentityTransformStream(); const w = its.writable.getWriter(); \
         const done = drain(its.readable); return JSON.stringify([await settle(w.write({{}})), await done]);"
    ));
    let refused = "TypeError: This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.";
    assert_eq!(out, format!(r#"["{refused}",["{refused}"]]"#));
}

#[test]
fn a_fixed_length_stream_refuses_too_many_and_too_few_bytes() {
    let out = run(&format!(
        "{DRAIN} const attempt = async (length, chunks) => {{ const {{ readable, writable }} = new FixedLengthStream(length); \
           const w = writable.getWriter(); const done = drain(readable); const writes = []; \
           for (const c of chunks) writes.push(await settle(w.write(new TextEncoder().encode(c)))); \
           writes.push(await settle(w.close())); return [writes, await done]; }}; \
         return JSON.stringify([await attempt(5, ['ab', 'cde']), await attempt(5, ['abc', 'abc']), await attempt(5, ['abc']), \
           await attempt(0, [])]);"
    ));
    let many = "TypeError: Attempt to write too many bytes through a FixedLengthStream.";
    let few = "TypeError: FixedLengthStream did not see all expected bytes before close().";
    let closed = "TypeError: This WritableStream has been closed.";
    assert_eq!(
        out,
        format!(
            r#"[[["ok","ok","ok"],[["Uint8Array","ab"],["Uint8Array","cde"]]],[["ok","{many}","{closed}"],[["Uint8Array","abc"],"{many}"]],[["ok","{few}"],[["Uint8Array","abc"],"{few}"]],[["ok"],[]]]"#
        )
    );
}

#[test]
fn the_length_is_converted_as_workerd_converts_it() {
    let out = run(
        "const length = (value) => { try { new FixedLengthStream(value); return 'ok'; } catch (e) { return `${e.name}: ${e.message}`; } }; \
         return JSON.stringify([length(5), length('5'), length(1.5), length(5n), length(0), \
           length(undefined), length(-1), length('x'), length(NaN), length({}), length(2 ** 53), length(2n ** 53n)]);",
    );
    let not_integer = "TypeError: The value cannot be converted because it is not an integer.";
    let too_big =
        "TypeError: FixedLengthStream requires an integer expected length less than 2^53.";
    assert_eq!(
        out,
        format!(
            r#"["ok","ok","ok","ok","ok","TypeError: Failed to construct 'FixedLengthStream': constructor parameter 1 is not of type 'bigint'.","TypeError: The value cannot be converted because it is negative and this API expects a positive bigint.","{not_integer}","{not_integer}","{not_integer}","{too_big}","{too_big}"]"#
        )
    );
}

#[test]
fn the_readable_declares_its_length_and_its_tees_too() {
    let out = run_with_internal(
        "const fl = new FixedLengthStream(7n); const [a, b] = fl.readable.tee(); \
         const response = new Response(new FixedLengthStream(3).readable); \
         return JSON.stringify([internal.streams.expectedLength(fl.readable), internal.streams.expectedLength(a), \
           internal.streams.expectedLength(b), internal.streams.expectedLength(new ReadableStream()), \
           internal.streams.expectedLength(response.body), response.headers.get('content-length')]);",
    );
    assert_eq!(out, "[7,7,7,null,3,null]");
}
