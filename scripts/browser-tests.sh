#!/usr/bin/env bash
# Real-browser end-to-end tests: Debian's Chromium (driven by playwright-core) signs in through
# Sitegate with a third-party OpenID provider (the oidc-provider npm package) and with the
# development IdP. Installs Chromium and the npm packages when missing; never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh chromium libnss3-tools
bin="${CARGO_TARGET_DIR:-target}/debug/sitegate"
[ -x "$bin" ] || cargo build -p gateway --bin sitegate
export SITEGATE_BIN="$(cd "$(dirname "$bin")" && pwd)/sitegate"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
node --test --test-reporter=spec tests/browser/
