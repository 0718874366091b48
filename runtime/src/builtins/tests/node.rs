//! node:events, node:util, node:path, node:process, node:fs and cloudflare:workers (imported
//! with and without `node:`) against workerd's answers to the same checks.

use super::check_fixture;

#[test]
fn node_modules_match_workerd() {
    check_fixture(
        include_str!("../../../tests/fixtures/builtins/node.js"),
        include_str!("../../../tests/fixtures/builtins/node.workerd.json"),
    );
}
