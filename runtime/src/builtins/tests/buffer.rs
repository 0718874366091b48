//! node:buffer against workerd's answers to the same checks.

use super::check_fixture;

#[test]
fn buffer_matches_workerd() {
    check_fixture(
        include_str!("../../../tests/fixtures/builtins/buffer.js"),
        include_str!("../../../tests/fixtures/builtins/buffer.workerd.json"),
    );
}
