//! node:buffer against workerd's answers to the same checks.

use super::check_fixture;

#[test]
fn buffer_matches_workerd() {
    check_fixture(
        include_str!("../../../tests/fixtures/builtins/buffer.js"),
        include_str!("../../../tests/fixtures/builtins/buffer.workerd.json"),
    );
}

#[test]
fn searches_honour_offsets_past_either_end_as_node_does() {
    let found = crate::testutil::eval(
        "const b = Buffer.from('abcabc'); JSON.stringify([b.indexOf('b', -3), b.indexOf('b', 10), \
         b.lastIndexOf('b', 10), b.lastIndexOf('b', -3), b.lastIndexOf('abc', 3), \
         b.lastIndexOf('c', 1), b.indexOf('', 10), b.indexOf('bc', 5), b.lastIndexOf('abcabcd')])",
    );
    assert_eq!(found, "[4,-1,4,1,3,-1,6,-1,-1]");
}
