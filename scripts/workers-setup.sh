#!/usr/bin/env bash
# The npm tools of the worker corpus (tests/workers/): workerd, the reference the corpus is
# compared against; miniflare (run on that workerd), the reference for D1 and R2; and esbuild
# with the hono, itty-router and drizzle-orm packages the test apps are bundled from.
# Installed exactly as locked; `npm ci` again only when the lock file changed.
# Fails (never skips) when Node.js is missing or workerd or miniflare cannot run here.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "workers-setup: $tool is required (Node.js 20 or later)" >&2; exit 1; }
done

lock=tests/workers/package-lock.json
mark=tests/workers/node_modules/.lock-sha256
if [ ! -f "$mark" ] || [ "$(sha256sum <"$lock")" != "$(cat "$mark")" ]; then
  (cd tests/workers && npm ci --no-audit --no-fund --loglevel=error)
  sha256sum <"$lock" >"$mark"
fi

# workerd is a native binary: make sure it runs on this machine before the tests rely on it.
tests/workers/node_modules/.bin/workerd --version >/dev/null
# miniflare loads (it needs Node.js 20 or later and its own native dependencies).
(cd tests/workers && node --input-type=module -e 'await import("miniflare")')
