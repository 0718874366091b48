#!/usr/bin/env bash
# Installs what is needed and runs Sitegate on its embedded demo config:
# https://hello.demo.localhost:8443/ (public), team. and admin. (sign-in), over a development CA.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release -p gateway --bin sitegate
exec target/release/sitegate serve "$@"
