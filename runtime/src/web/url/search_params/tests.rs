use crate::testutil::{eval, thrown};

#[test]
fn builds_from_strings_pairs_records_and_copies() {
    assert_eq!(
        eval("new URLSearchParams('?a=1&b=x+y&c=%26&d').toString()"),
        "a=1&b=x+y&c=%26&d="
    );
    assert_eq!(
        eval("new URLSearchParams([['a', '1'], ['a', 2]]).getAll('a').join()"),
        "1,2"
    );
    assert_eq!(
        eval("new URLSearchParams({x: 'a b', y: '=&'}).toString()"),
        "x=a+b&y=%3D%26"
    );
    assert_eq!(eval("const a = new URLSearchParams('k=v'); const b = new URLSearchParams(a); b.append('z', '1'); a + '|' + b"), "k=v|k=v&z=1");
    assert_eq!(
        eval("new URLSearchParams(new Map([['m', '1']])).toString()"),
        "m=1"
    );
    assert_eq!(
        eval("new URLSearchParams().toString() + new URLSearchParams(undefined).size"),
        "0"
    );
    assert_eq!(
        thrown("new URLSearchParams([['a']])"),
        "TypeError: Invalid URL search params sequence."
    );
    assert_eq!(
        thrown("new URLSearchParams([['a', 'b', 'c']])"),
        "TypeError: Invalid URL search params sequence."
    );
}

#[test]
fn reads_and_writes_pairs() {
    assert_eq!(
        eval(
            "const p = new URLSearchParams('a=1&b=2&a=3'); const out = [];
             out.push(p.get('a'), String(p.get('zz')), p.has('a', '3'), p.has('a', '4'), p.has('b'), p.size);
             p.set('a', '9'); out.push(p.toString());
             p.append('a', '1'); p.delete('a', '9'); out.push(p.toString());
             p.delete('a'); out.push(p.toString());
             out.join(' ')"
        ),
        "1 null true false true 3 a=9&b=2 b=2&a=1 b=2"
    );
}

#[test]
fn serializer_encodes_space_as_plus() {
    assert_eq!(
        eval("const p = new URLSearchParams(); p.append('a b', 'c+d'); p.append('é', '*-._~!'); p.toString()"),
        "a+b=c%2Bd&%C3%A9=*-._%7E%21"
    );
}

#[test]
fn sort_is_stable_by_utf16_code_units() {
    assert_eq!(
        eval("const s = new URLSearchParams('z=1&a=2&z=0&\\uD83D\\uDE00=3&\\uFFFD=4'); s.sort(); s.toString()"),
        "a=2&z=1&z=0&%F0%9F%98%80=3&%EF%BF%BD=4"
    );
}

#[test]
fn iterates_live_and_with_for_each() {
    assert_eq!(
        eval(
            "const p = new URLSearchParams('a=1&b=2&c=3'); const seen = [];
             for (const [k, v] of p) { seen.push(k + v); if (k === 'a') p.delete('b'); }
             const keys = [...p.keys()].join(); const values = [...p.values()].join();
             const each = []; p.forEach(function (v, k, o) { each.push(k + v + (o === p) + this.t) }, {t: '!'});
             [seen.join(), keys, values, each.join()].join(' ')"
        ),
        "a1,c3 a,c 1,3 a1true!,c3true!"
    );
    assert_eq!(
        eval("const it = new URLSearchParams('a=1').entries(); [Object.prototype.toString.call(it), it[Symbol.iterator]() === it, JSON.stringify(it.next()), JSON.stringify(it.next())].join(' ')"),
        r#"[object EntryIterator] true {"value":["a","1"],"done":false} {"done":true}"#
    );
    assert_eq!(
        eval("Object.prototype.toString.call(new URLSearchParams())"),
        "[object URLSearchParams]"
    );
}
