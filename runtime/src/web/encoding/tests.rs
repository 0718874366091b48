use crate::testutil::{eval, thrown};

#[test]
fn encodes_utf8_with_lone_surrogates_replaced() {
    assert_eq!(
        eval("JSON.stringify([...new TextEncoder().encode('\\uD800x\\u00e9')])"),
        "[239,191,189,120,195,169]"
    );
    assert_eq!(eval("new TextEncoder().encode().length + new TextEncoder().encode(undefined).length + '' + new TextEncoder().encode(null).length"), "04");
    assert_eq!(eval("new TextEncoder().encoding"), "utf-8");
}

#[test]
fn encode_into_writes_whole_characters_only() {
    assert_eq!(
        eval("const d = new Uint8Array(4); const r = new TextEncoder().encodeInto('a\\u{1F600}b', d); JSON.stringify([r, [...d]])"),
        r#"[{"read":1,"written":1},[97,0,0,0]]"#
    );
    assert_eq!(
        eval("const d = new Uint8Array(8); const r = new TextEncoder().encodeInto('a\\u{1F600}b', d.subarray(2)); JSON.stringify([r, [...d]])"),
        r#"[{"read":4,"written":6},[0,0,97,240,159,152,128,98]]"#
    );
    assert_eq!(thrown("new TextEncoder().encodeInto('a', new Uint16Array(2))"), "TypeError: Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
}

#[test]
fn decodes_utf8_views_and_buffers() {
    assert_eq!(
        eval("new TextDecoder().decode(new Uint8Array([104, 195, 169]))"),
        "hé"
    );
    assert_eq!(
        eval("new TextDecoder().decode(new Uint8Array([65, 66, 67]).buffer)"),
        "ABC"
    );
    assert_eq!(
        eval("new TextDecoder().decode(new DataView(new Uint8Array([65, 66]).buffer, 1))"),
        "B"
    );
    assert_eq!(
        eval("new TextDecoder().decode(new Uint16Array([0x4241]))"),
        "AB"
    );
    assert_eq!(
        eval("new TextDecoder().decode() + '|' + new TextDecoder().decode(undefined)"),
        "|"
    );
    assert_eq!(
        eval("new TextDecoder().decode(new Uint8Array([0xf0, 0x9f, 0x98]))"),
        "\u{FFFD}"
    );
    assert_eq!(thrown("new TextDecoder().decode('abc')"), "TypeError: Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type 'Array'.");
}

#[test]
fn bom_is_removed_unless_ignored() {
    assert_eq!(
        eval("String(new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).length)"),
        "1"
    );
    assert_eq!(eval("String(new TextDecoder('utf-8', {ignoreBOM: true}).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).length)"), "2");
    assert_eq!(
        eval("new TextDecoder('utf-16le').decode(new Uint8Array([0xff, 0xfe, 0x41, 0x00]))"),
        "A"
    );
}

#[test]
fn streaming_keeps_partial_sequences() {
    assert_eq!(
        eval("const d = new TextDecoder(); d.decode(new Uint8Array([0xe2, 0x82]), {stream: true}) + '|' + d.decode(new Uint8Array([0xac]))"),
        "|€"
    );
    assert_eq!(
        eval("const d = new TextDecoder(); d.decode(new Uint8Array([0xe2, 0x82]), {stream: true}) + '|' + d.decode()"),
        "|\u{FFFD}"
    );
    // After a non-streaming call the next one starts a new stream (and strips a BOM again).
    assert_eq!(
        eval("const d = new TextDecoder(); const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x41]); d.decode(bom) + d.decode(bom)"),
        "AA"
    );
}

#[test]
fn fatal_throws_on_malformed_input() {
    assert_eq!(
        thrown("new TextDecoder('utf-8', {fatal: true}).decode(new Uint8Array([0xff]))"),
        "TypeError: Failed to decode input."
    );
    assert_eq!(eval("const d = new TextDecoder('utf-8', {fatal: true}); [d.fatal, d.ignoreBOM, d.decode(new Uint8Array([0x41]))].join()"), "true,false,A");
}

#[test]
fn labels_name_the_standard_encodings() {
    assert_eq!(
        eval("['latin1', ' UTF8 ', 'utf-16', 'shift_jis', 'ascii'].map(l => new TextDecoder(l).encoding).join()"),
        "windows-1252,utf-8,utf-16le,shift_jis,windows-1252"
    );
    assert_eq!(
        eval("new TextDecoder('latin1').decode(new Uint8Array([0xe9, 0x80]))"),
        "é€"
    );
    assert_eq!(
        thrown("new TextDecoder('foo')"),
        "RangeError: \"foo\" is not a valid encoding."
    );
    assert_eq!(
        thrown("new TextDecoder('replacement')"),
        "RangeError: \"replacement\" is not a valid encoding."
    );
}
