#!/usr/bin/env bash
# Real-browser end-to-end tests (tests/browser/): Debian's Chromium, driven by playwright-core,
# signs in through the real sitegate binary with a third-party OpenID provider (the
# oidc-provider npm package) and with the development IdP. Installs what is missing; never
# skips; exits non-zero if any test fails. Screenshots go to tests/browser/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium itself (playwright's own browser downloads are never used) and certutil, which puts
# the gateway's development CA into the throwaway NSS database the test's Chromium trusts.
scripts/setup.sh chromium libnss3-tools
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "browser-tests: $tool is required (Node.js 20 or later)" >&2; exit 1; }
done

# npm packages exactly as locked; `npm ci` again only when the lock file changed.
lock=tests/browser/package-lock.json
mark=tests/browser/node_modules/.lock-sha256
if [ ! -f "$mark" ] || [ "$(sha256sum <"$lock")" != "$(cat "$mark")" ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  sha256sum <"$lock" >"$mark"
fi

# Cargo rebuilds only when a source changed (a no-op after scripts/test.sh's build).
cargo build -p gateway --bin sitegate
target="${CARGO_TARGET_DIR:-target}"
SITEGATE_BIN="$(cd "$target/debug" && pwd)/sitegate"
export SITEGATE_BIN NO_COLOR=1

# Node picks its reporter: spec on a terminal, TAP (closing with the counts) when piped, as in CI.
node --test tests/browser/
