#!/usr/bin/env bash
# Runs the whole test suite: unit tests of every crate and the end-to-end tests that start the
# real sitegate binary. Installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# One build of everything (the e2e tests run the sitegate binary from target/debug).
cargo build --workspace --bins --tests
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast "$@"
else
  cargo test --workspace --no-fail-fast "$@"
fi
