#!/usr/bin/env bash
# Installs the system packages Sitegate's build and tests need (Debian/Ubuntu, apt).
# Idempotent: packages already present are not touched. Usage: scripts/setup.sh [extra packages]
set -euo pipefail

packages=(cmake pkg-config "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
