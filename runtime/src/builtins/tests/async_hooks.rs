//! node:async_hooks: the store follows awaits, promise callbacks, microtasks, timers and
//! stream callbacks, and interleaved runs keep their own stores, as on workerd.

use super::check_fixture;

#[test]
fn async_local_storage_follows_the_async_flow_as_on_workerd() {
    check_fixture(
        include_str!("../../../tests/fixtures/builtins/async_hooks.js"),
        include_str!("../../../tests/fixtures/builtins/async_hooks.workerd.json"),
    );
}
