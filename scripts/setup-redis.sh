#!/usr/bin/env bash
# Installs Debian's redis-server and redis-sentinel (and redis-tools: redis-cli, redis-benchmark) for
# the traffic generator's Redis ITs (RedisWorkloadIT, SentinelFailoverIT) and scripts/bench-workloads.sh,
# without leaving the system service running: the tests start their own servers on free loopback
# ports (redis-server --port P --save '') and stop them. Idempotent: installs only when missing.
# Needs root (apt-get).
set -euo pipefail
if command -v redis-server >/dev/null 2>&1 && command -v redis-sentinel >/dev/null 2>&1 \
    && command -v redis-benchmark >/dev/null 2>&1; then
  echo "setup-redis: $(redis-server --version | cut -d' ' -f1-3)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-redis: redis-server is missing and apt-get is unavailable; install Debian's redis-server and redis-sentinel by hand" >&2
  exit 3
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# keep the packages' maintainer scripts from starting the system services: the tests start their own
policy=/usr/sbin/policy-rc.d
restore=""
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  restore=1
fi
cleanup() { [[ -n "$restore" ]] && $SUDO rm -f "$policy"; return 0; }
trap cleanup EXIT
pkgs=(redis-server redis-sentinel redis-tools)
$SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 \
  || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null; }
echo "setup-redis: installed $(redis-server --version | cut -d' ' -f1-3)"
