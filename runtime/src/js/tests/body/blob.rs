//! Blob and File.

use super::{eval, thrown};

#[test]
fn a_blob_joins_strings_as_utf8_buffers_views_and_blobs() {
    let out = eval(
        "const b = new Blob(['héllo', new Uint8Array([65, 66]), new Uint8Array([1, 67, 68, 2]).subarray(1, 3), \
         new Uint8Array([69]).buffer, new DataView(new Uint8Array([70, 71]).buffer, 1), new Blob(['x'])]); \
         return [b.size, b.type, await b.text()];",
    );
    assert_eq!(out, r#"[13,"","hélloABCDEGx"]"#);
}

#[test]
fn other_parts_are_strings_and_parts_are_copied() {
    let out = eval(
        "const u = new Uint8Array([97]); const b = new Blob([12, null, {}, u]); u[0] = 98; \
         return await b.text();",
    );
    assert_eq!(out, "12null[object Object]a");
}

#[test]
fn the_type_is_lower_cased_or_empty_when_not_printable_ascii() {
    let out = eval(
        "return [new Blob([], {type: 'Text/PLAIN'}).type, new Blob([], {type: 'a\\u0100'}).type, \
         new Blob([], {type: 'Text/HTML; Charset=UTF-8'}).type, new Blob().type, new Blob([], {}).type];",
    );
    assert_eq!(out, r#"["text/plain","","text/html; charset=utf-8","",""]"#);
}

#[test]
fn blob_parts_must_be_a_sequence() {
    for parts in ["'abc'", "null", "5"] {
        assert_eq!(
            thrown(&format!("new Blob({parts})")),
            "TypeError: Failed to construct 'Blob': constructor parameter 1 is not of type 'Array'."
        );
    }
    assert_eq!(
        thrown("new Blob(['a'], {endings: 'native'})"),
        "Error: The 'endings' field on 'Options' is not implemented."
    );
}

#[test]
fn slice_counts_negative_indexes_from_the_end_and_clamps() {
    let out = eval(
        "const b = new Blob(['0123456789'], {type: 'a/b'}); \
         return [await b.slice(-3).text(), await b.slice(2, -2).text(), await b.slice(5, 2).text(), \
         await b.slice(undefined, 3).text(), await b.slice(-100).text(), await b.slice(3, 100).text(), \
         await b.slice(1.5, 3.7).text(), await b.slice('2').text(), b.slice(1, 3, 'A/B').type, \
         b.slice().type, b.slice(2, 4).size];",
    );
    assert_eq!(
        out,
        r#"["789","234567","","012","0123456789","3456789","12","23456789","a/b","",2]"#
    );
}

#[test]
fn reads_give_fresh_copies() {
    let out = eval(
        "const b = new Blob(['ab']); const first = await b.bytes(); first[0] = 122; \
         const buffer = await b.arrayBuffer(); \
         return [Array.from(await b.bytes()), buffer.constructor.name, buffer.byteLength, first.constructor.name];",
    );
    assert_eq!(out, r#"[[97,98],"ArrayBuffer",2,"Uint8Array"]"#);
}

#[test]
fn text_keeps_a_byte_order_mark_and_replaces_bad_utf8() {
    let out = eval(
        "const t = await new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff])]).text(); \
         return [t.length, t.charCodeAt(0), t.charCodeAt(2)];",
    );
    assert_eq!(out, "[3,65279,65533]");
}

#[test]
fn a_file_is_a_blob_with_a_name_and_a_modification_time() {
    let out = eval(
        "const f = new File(['a'], 'n.txt', {type: 'x/y', lastModified: 5}); \
         const now = new File([], 12); \
         return [f.name, f.lastModified, f.type, f.size, f instanceof Blob, f instanceof File, \
         Object.prototype.toString.call(f), Object.prototype.toString.call(new Blob()), \
         now.name, typeof now.lastModified, now.lastModified > 1.7e12, \
         new File([], 'x', {lastModified: '12'}).lastModified, f.slice(0) instanceof File];",
    );
    assert_eq!(
        out,
        r#"["n.txt",5,"x/y",1,true,true,"[object File]","[object Blob]","12","number",true,12,false]"#
    );
}

#[test]
fn a_file_needs_a_name() {
    assert_eq!(
        thrown("new File(['a'])"),
        "TypeError: Failed to construct 'File': constructor parameter 2 is not of type 'string'."
    );
}

#[test]
fn blob_and_file_are_non_enumerable_globals() {
    let out = eval(
        "return [Object.keys(globalThis).includes('Blob'), typeof Blob, typeof File, \
         Object.getOwnPropertyNames(Blob.prototype).sort()];",
    );
    assert_eq!(
        out,
        r#"[false,"function","function",["arrayBuffer","bytes","constructor","size","slice","stream","text","type"]]"#
    );
}
