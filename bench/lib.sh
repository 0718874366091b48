# Shared by the benchmarks (sourced): free loopback ports and one wrk run.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wrk_run NAME URL HOST: wrk -t2 with $connections for $duration seconds; prints "req/s p99-ms"
# (wrk prints "Requests/sec: N" and, with --latency, "99%  1.23ms"), errors to stderr.
wrk_run() {
  local out rps p99 errors
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Host: $3" "$2")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  [ -n "$errors" ] && echo "  $1: $errors" >&2
  echo "$rps $p99"
}

# sitegate_config [EXTRA]: the benchmark gateway's sitegate.toml on stdout, for the RBAC file
# rbac/bench.toml next to it, listening on $sg_tls/$sg_http (plain HTTP serves sites) and
# $sg_admin, with state in $work/sg/state; EXTRA (TOML) is appended.
sitegate_config() {
  cat <<TOML
base_domain = "localhost"
state_dir = "$work/sg/state"
rbac = ["rbac/bench.toml"]
[listen]
https = "127.0.0.1:$sg_tls"
http = "127.0.0.1:$sg_http"
http_mode = "proxy"
admin = "127.0.0.1:$sg_admin"
[tls]
dev_ca = true    # for the sign-in host (and sites no certificate file covers)
[log]
level = "warn"
[shutdown]
grace_period = "0s"
[dev_idp]
enabled = true   # every workspace names an IdP
[signin]
host = "auth.localhost"
rate_limit_burst = 1000
${1:-}
TOML
}

# start_sitegate: runs $sitegate on $work/sg/sitegate.toml (its pid joins $pids) and waits for
# its admin listener; shows the gateway's log and fails if it does not come up.
start_sitegate() {
  "$sitegate" serve --config "$work/sg/sitegate.toml" 2>"$work/sg/log" &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$sg_admin/healthz" >/dev/null && return; sleep 0.1; done
  cat "$work/sg/log" >&2
  return 1
}
