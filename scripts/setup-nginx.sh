#!/usr/bin/env bash
# Installs Debian's nginx-light for the traffic generator's HTTP IT (HttpWorkloadIT) and wrk for
# scripts/bench-workloads.sh, without leaving the system service running: the test starts its own
# nginx on a free loopback port with a config in a temporary folder and stops it. Idempotent.
# Needs root (apt-get).
set -euo pipefail
if command -v nginx >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1; then
  echo "setup-nginx: $(nginx -v 2>&1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-nginx: nginx or wrk is missing and apt-get is unavailable; install Debian's nginx-light and wrk by hand" >&2
  exit 3
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
restore=""
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  restore=1
fi
cleanup() { [[ -n "$restore" ]] && $SUDO rm -f "$policy"; return 0; }
trap cleanup EXIT
pkgs=(nginx-light wrk)
$SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 \
  || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null; }
echo "setup-nginx: installed $(nginx -v 2>&1)"
