#!/usr/bin/env bash
# Worker benchmark: the corpus's hello worker and Hono app (tests/workers/) on Sitegate and on
# workerd, driven by wrk with the same settings in the same run over plain HTTP (Sitegate in
# `http_mode = "proxy"`, so neither side pays for TLS). Prints req/s and p99 of each and
# Sitegate's ratio to workerd, then the runtime's loading figures: time to the first response
# of a freshly deployed version and of one reloaded from cached bytecode, and resident memory
# per idle loaded version with 1,000 loaded (runtime/benches/isolates.rs).
#
#   bench/worker.sh [seconds per run, default 10] [connections, default 64] [sites, default 1000]
#   keep=1 bench/worker.sh ...   keeps the work directory (configs, logs) and says where
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
connections="${2:-64}"
sites="${3:-1000}"
scripts/setup.sh wrk
scripts/workers-setup.sh
cargo build --release -p gateway --bin sitegate
sitegate="${CARGO_TARGET_DIR:-target}/release/sitegate"
# The binary itself (the npm wrapper would leave it running when killed).
workerd=tests/workers/node_modules/@cloudflare/workerd-linux-64/bin/workerd
esbuild=tests/workers/node_modules/.bin/esbuild

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "${keep:-}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

source bench/lib.sh
wd_hello=$(free_port); wd_hono=$(free_port)
sg_tls=$(free_port); sg_http=$(free_port); sg_admin=$(free_port)

# The same code for both: hello as it is, the Hono app bundled once.
mkdir -p "$work/sites/hello" "$work/sites/hono"
cp tests/workers/hello/index.js "$work/sites/hello/index.js"
"$esbuild" tests/workers/hono/src/app.js --bundle --format=esm --platform=neutral \
  --log-level=warning --outfile="$work/sites/hono/index.js"

cat > "$work/workerd.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "hello", worker = .hello), (name = "hono", worker = .hono) ],
  sockets = [
    (name = "hello", address = "127.0.0.1:$wd_hello", http = (), service = "hello"),
    (name = "hono", address = "127.0.0.1:$wd_hono", http = (), service = "hono"),
  ],
);
const hello :Workerd.Worker = (
  modules = [ (name = "index.js", esModule = embed "sites/hello/index.js") ],
  compatibilityDate = "2025-09-01",
);
const hono :Workerd.Worker = (
  modules = [ (name = "index.js", esModule = embed "sites/hono/index.js") ],
  compatibilityDate = "2025-09-01",
);
CAPNP
"$workerd" serve "$work/workerd.capnp" 2>"$work/workerd.log" &
pids+=($!)

mkdir -p "$work/sg/rbac"
sitegate_config > "$work/sg/sitegate.toml"
cat > "$work/sg/rbac/bench.toml" <<TOML
[workspace]
id = "bench"
name = "Bench"
idp = "dev"
[sites.hello]
access = "public"
backend = { worker = "$work/sites/hello" }
[sites.hono]
access = "public"
backend = { worker = "$work/sites/hono" }
TOML
start_sitegate
for port in "$wd_hello" "$wd_hono"; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
done

printf 'worker benchmark: wrk -t2 -c%s -d%ss over plain HTTP, %s cores\n' "$connections" "$duration" "$(nproc)"
printf '%-22s %12s %10s\n' "" "req/s" "p99 ms"
declare -A result
for app in hello hono; do
  if [ "$app" = hello ]; then wd="http://127.0.0.1:$wd_hello/"; goal=1.5; else wd="http://127.0.0.1:$wd_hono/"; goal=1.0; fi
  sg="http://127.0.0.1:$sg_http/"
  host="$app.bench.localhost"
  # Warm up both, then measure each.
  wrk -t1 -c8 -d1s "$wd" >/dev/null; wrk -t1 -c8 -d1s -H "Host: $host" "$sg" >/dev/null
  read -r w_rps w_p99 < <(wrk_run "workerd $app" "$wd" "127.0.0.1")
  read -r s_rps s_p99 < <(wrk_run "sitegate $app" "$sg" "$host")
  printf '%-22s %12.0f %10.2f\n' "workerd ($app)" "$w_rps" "$w_p99" "sitegate ($app)" "$s_rps" "$s_p99"
  result[$app]="$(awk -v a="$s_rps" -v b="$w_rps" -v c="$s_p99" -v d="$w_p99" -v g="$goal" 'BEGIN {printf "req/s ratio %.2f (goal >= %.1f), p99 ratio %.2f", a/b, g, c/d}')"
done
for app in hello hono; do printf 'sitegate/workerd %-6s %s\n' "$app:" "${result[$app]}"; done

echo
echo "loading (inside the process, $sites site versions; goals: first response < 1 ms p50, < 300 KB per idle version):"
cargo bench -q -p runtime --bench isolates -- "$sites" 2>/dev/null
