#!/usr/bin/env bash
# Proxy benchmark: nginx and Sitegate in front of the same small upstream (an nginx server
# returning a short body), over TLS and over plain HTTP, driven by wrk with the same settings
# in the same run. Prints req/s and p99 for each and Sitegate's ratio to nginx.
#
#   bench/proxy.sh [seconds per run, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
connections="${2:-64}"
scripts/setup.sh nginx-light wrk openssl
cargo build --release -p gateway --bin sitegate
sitegate="${CARGO_TARGET_DIR:-target}/release/sitegate"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source bench/lib.sh
up_port=$(free_port); ng_tls=$(free_port); ng_http=$(free_port)
sg_tls=$(free_port); sg_http=$(free_port); sg_admin=$(free_port)
host="bench.bench.localhost"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -keyout "$work/key.pem" -out "$work/cert.pem" -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host" 2>/dev/null

mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  keepalive_requests 100000;
  upstream origin { server 127.0.0.1:$up_port; keepalive 128; }
  server { listen 127.0.0.1:$up_port; location / { return 200 "hello from the upstream\n"; } }
  server {
    listen 127.0.0.1:$ng_tls ssl http2; listen 127.0.0.1:$ng_http;
    ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
NGINX
nginx -c "$work/nginx.conf"

mkdir -p "$work/sg/rbac"
sitegate_config "[[tls.certificates]]
cert = \"$work/cert.pem\"
key = \"$work/key.pem\"" > "$work/sg/sitegate.toml"
cat > "$work/sg/rbac/bench.toml" <<TOML
[workspace]
id = "bench"
name = "Bench"
idp = "dev"
[members]
"pat@bench.test" = "member"
[sites.bench]
access = "public"
backend = { upstream = "http://127.0.0.1:$up_port" }
[sites.members]
access = "workspace_all"
backend = { upstream = "http://127.0.0.1:$up_port" }
TOML
start_sitegate

printf 'proxy benchmark: wrk -t2 -c%s -d%ss, one small upstream, %s cores\n' "$connections" "$duration" "$(nproc)"
printf '%-22s %12s %10s\n' "" "req/s" "p99 ms"
declare -A result
for scheme in tls http; do
  if [ "$scheme" = tls ]; then ng="https://127.0.0.1:$ng_tls/"; sg="https://127.0.0.1:$sg_tls/"; else ng="http://127.0.0.1:$ng_http/"; sg="http://127.0.0.1:$sg_http/"; fi
  # Warm up both, then measure each.
  wrk -t1 -c8 -d1s -H "Host: $host" "$ng" >/dev/null; wrk -t1 -c8 -d1s -H "Host: $host" "$sg" >/dev/null
  read -r n_rps n_p99 < <(wrk_run "nginx $scheme" "$ng" "$host")
  read -r s_rps s_p99 < <(wrk_run "sitegate $scheme" "$sg" "$host")
  printf '%-22s %12.0f %10.2f\n' "nginx ($scheme)" "$n_rps" "$n_p99" "sitegate ($scheme)" "$s_rps" "$s_p99"
  result[$scheme]="$(awk -v a="$s_rps" -v b="$n_rps" -v c="$s_p99" -v d="$n_p99" 'BEGIN {printf "req/s ratio %.2f (goal >= 0.90), p99 ratio %.2f (goal <= 1.20)", a/b, c/d}')"
done
for scheme in tls http; do printf 'sitegate/nginx %-5s %s\n' "$scheme:" "${result[$scheme]}"; done

# Identity: the same request to a workspace_all site with a valid session cookie, after a real
# sign-in through the development IdP (curl follows the flow by hand, as a browser would).
ca="$work/sg/state/dev-ca/ca.pem"
resolve=(--resolve "members.bench.localhost:$sg_tls:127.0.0.1" --resolve "auth.localhost:$sg_tls:127.0.0.1")
jar="$work/jar"
hop() { curl -s -o /dev/null -w '%{redirect_url}' --cacert "$ca" "${resolve[@]}" -b "$jar" -c "$jar" "$@"; }
to_signin=$(hop "https://members.bench.localhost:$sg_tls/")
to_idp=$(hop "$to_signin")
to_callback=$(hop -X POST --data "${to_idp#*\?}&email=pat%40bench.test" "${to_idp%%\?*}")
to_site=$(hop "$to_callback")
hop "$to_site" >/dev/null
cookie=$(awk '$6 == "__Host-sitegate" {print $7}' "$jar")
[ -n "$cookie" ] || { echo "bench: sign-in for the identity run failed" >&2; exit 1; }
sg_identity="https://127.0.0.1:$sg_tls/"
wrk -t1 -c8 -d1s -H "Host: members.bench.localhost" -H "Cookie: __Host-sitegate=$cookie" "$sg_identity" >/dev/null
read -r p_rps p_p99 < <(wrk_run "sitegate public" "https://127.0.0.1:$sg_tls/" "$host")
host="members.bench.localhost"
out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Host: $host" -H "Cookie: __Host-sitegate=$cookie" "$sg_identity")
i_rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
[ -z "$non2xx" ] || { echo "bench: $non2xx identity requests were not 2xx" >&2; exit 1; }
printf '%-22s %12.0f\n%-22s %12.0f\n' "sitegate public" "$p_rps" "sitegate signed-in" "$i_rps"
awk -v p="$p_rps" -v i="$i_rps" -v c="$(nproc)" 'BEGIN {printf "identity cost per request (decrypt, re-check, headers, JWT): %.1f us of CPU (goal < 20)\n", c * (1e6/i - 1e6/p)}'
