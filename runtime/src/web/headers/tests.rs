use crate::testutil::{eval, expose_internal, isolate, run_on};
use crate::Limits;

#[test]
fn names_are_case_insensitive_and_repeats_join() {
    assert_eq!(eval("const h = new Headers({'Content-Type': 'text/plain'}); h.append('X-A', ' 1 '); h.append('x-a', '2'); [h.get('content-type'), h.get('X-A'), h.has('X-a'), h.get('missing')].join('|')"), "text/plain|1, 2|true|");
}

#[test]
fn a_missing_name_gets_null_not_undefined() {
    assert_eq!(eval("const h = new Headers({a: '1'}); String(h.get('missing') === null) + String(h.get('a') === '1')"), "truetrue");
}

#[test]
fn set_replaces_and_delete_removes() {
    assert_eq!(eval("const h = new Headers([['a', '1'], ['b', '2'], ['a', '3']]); h.set('A', '9'); const one = h.get('a'); h.delete('b'); one + '|' + [...h.keys()].join(',')"), "9|a");
}

#[test]
fn iteration_is_sorted_and_keeps_set_cookie_apart() {
    assert_eq!(
        eval("const h = new Headers(); h.append('zeta', 'z'); h.append('Set-Cookie', 'a=1'); h.append('alpha', 'x'); h.append('set-cookie', 'b=2'); h.append('alpha', 'y'); JSON.stringify([...h])"),
        r#"[["alpha","x, y"],["set-cookie","a=1"],["set-cookie","b=2"],["zeta","z"]]"#
    );
    assert_eq!(eval("const h = new Headers([['set-cookie', 'a=1'], ['set-cookie', 'b=2']]); JSON.stringify(h.getSetCookie())"), r#"["a=1","b=2"]"#);
    assert_eq!(eval("const h = new Headers({b: '2', a: '1'}); const seen = []; h.forEach((v, k) => seen.push(k + '=' + v)); seen.join('&')"), "a=1&b=2");
}

#[test]
fn copies_are_independent() {
    assert_eq!(eval("const a = new Headers({x: '1'}); const b = new Headers(a); b.set('x', '2'); a.get('x') + b.get('x')"), "12");
}

#[test]
fn invalid_names_and_values_throw_type_errors() {
    for bad in [
        "new Headers({'bad name': 'x'})",
        "new Headers().append('x', 'a\\r\\nInjected: 1')",
        "new Headers([['only-one']])",
        "new Headers().get('')",
    ] {
        let source = format!("try {{ {bad}; 'no error' }} catch (e) {{ e instanceof TypeError ? 'TypeError' : String(e) }}");
        assert_eq!(eval(&source), "TypeError", "{bad}");
    }
}

#[test]
fn to_string_tag_is_headers() {
    assert_eq!(
        eval("Object.prototype.toString.call(new Headers())"),
        "[object Headers]"
    );
}

#[test]
fn immutable_headers_refuse_changes_before_checking_them() {
    let (_dir, js) = isolate(Limits::default());
    expose_internal(&js);
    let out = run_on(
        &js,
        "const h = internal.immutableHeaders([['X-A', '1'], ['x-a', '2']]); \
         const tried = [() => h.set('x-a', '3'), () => h.append('b', '1'), () => h.delete('x-a'), () => h.set('bad name', 'x')] \
           .map((f) => { try { f(); return 'ok'; } catch (e) { return `${e.name}: ${e.message}`; } }); \
         const copy = new Headers(h); copy.set('x-a', '9'); \
         const kept = internal.cloneHeaders(h); let keptThrows = false; try { kept.delete('x-a'); } catch { keptThrows = true; } \
         const loose = internal.cloneHeaders(copy); loose.append('c', '1'); \
         return JSON.stringify([tried, h.get('x-a'), h.has('x-a'), [...h], copy.get('x-a'), [...kept], keptThrows, [...loose]])",
    );
    let refused = "TypeError: Can't modify immutable headers.";
    assert_eq!(
        out,
        format!(
            r#"[["{refused}","{refused}","{refused}","{refused}"],"1, 2",true,[["x-a","1, 2"]],"9",[["x-a","1, 2"]],true,[["c","1"],["x-a","9"]]]"#
        )
    );
}
