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
