//! FormData entries.

use super::{eval, thrown};

#[test]
fn append_set_get_get_all_has_and_delete() {
    let out = eval(
        "const f = new FormData(); f.append('a', '1'); f.append('b', '2'); f.append('a', '3'); \
         const before = [f.get('a'), f.getAll('a'), f.has('b'), f.has('z'), f.get('z'), f.getAll('z')]; \
         f.set('a', '9'); const afterSet = [...f]; f.delete('b'); f.set('c', 'new'); \
         return [before, afterSet, [...f]];",
    );
    assert_eq!(
        out,
        r#"[["1",["1","3"],true,false,null,[]],[["a","9"],["b","2"]],[["a","9"],["c","new"]]]"#
    );
}

#[test]
fn names_and_values_are_converted_to_strings() {
    let out = eval(
        "const f = new FormData(); f.append(1, 2); f.append(null, undefined); f.append('o', {}); \
         f.append('s', 'str', 'ignored.txt'); return [...f];",
    );
    assert_eq!(
        out,
        r#"[["1","2"],["null","undefined"],["o","[object Object]"],["s","str"]]"#
    );
}

#[test]
fn a_blob_becomes_a_file_named_after_the_filename_or_the_entry() {
    let out = eval(
        "const f = new FormData(); f.append('b', new Blob(['x'], {type: 't/x'})); \
         f.append('c', new Blob(['y']), 'c.txt'); f.set('d', new Blob([])); \
         const b = f.get('b'), c = f.get('c'), d = f.get('d'); \
         return [b instanceof File, b.name, b.type, await b.text(), c.name, c.type, d.name];",
    );
    assert_eq!(out, r#"[true,"b","t/x","x","c.txt","","d"]"#);
}

#[test]
fn a_file_is_kept_unless_renamed() {
    let out = eval(
        "const f = new FormData(); const file = new File(['x'], 'orig.txt', {type: 'a/b', lastModified: 7}); \
         f.append('a', file); f.append('b', file, 'renamed'); const b = f.get('b'); \
         return [f.get('a') === file, b === file, b.name, b.type, b.lastModified > 7, await b.text()];",
    );
    assert_eq!(out, r#"[true,false,"renamed","a/b",true,"x"]"#);
}

#[test]
fn iteration_is_in_order_and_live() {
    let out = eval(
        "const f = new FormData(); f.append('b', '1'); f.append('a', '2'); \
         const seen = []; f.forEach(function (v, k, p) { seen.push([k, v, p === f, this.tag]); }, {tag: 't'}); \
         const it = f.entries(); f.append('c', '3'); \
         return [seen, [...it], [...f.keys()], [...f.values()], Object.prototype.toString.call(f)];",
    );
    assert_eq!(
        out,
        r#"[[["b","1",true,"t"],["a","2",true,"t"]],[["b","1"],["a","2"],["c","3"]],["b","a","c"],["1","2","3"],"[object FormData]"]"#
    );
}

#[test]
fn missing_arguments_are_type_errors() {
    assert_eq!(
        thrown("new FormData().append('a')"),
        "TypeError: Failed to execute 'append' on 'FormData': parameter 2 is not of type 'File or Blob or string'."
    );
    assert_eq!(
        thrown("new FormData().get()"),
        "TypeError: Failed to execute 'get' on 'FormData': parameter 1 is not of type 'string'."
    );
    assert_eq!(eval("return [...new FormData({})]"), "[]");
}
