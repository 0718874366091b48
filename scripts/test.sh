#!/usr/bin/env bash
# Runs the whole test suite: unit tests of every crate, the end-to-end tests that start the
# real sitegate binary (the worker corpus among them, compared with workerd), the real-browser
# tests, and the lints. Installs what they need first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# workerd, esbuild and the npm packages of the worker corpus (tests/workers/).
scripts/workers-setup.sh
# One build of everything (the e2e tests run the sitegate binary from target/debug).
cargo build --workspace --bins --tests
status=0
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast "$@" || status=$?
else
  cargo test --workspace --no-fail-fast "$@" || status=$?
fi
# Real browser and third-party OpenID provider (installs Chromium and npm packages if missing).
scripts/browser-tests.sh || status=$?
# Lints: formatting and clippy with warnings as errors.
cargo fmt --all -- --check || status=$?
cargo clippy --workspace --all-targets -- -D warnings || status=$?
exit $status
