#!/usr/bin/env bash
# Installs Debian's prometheus server for the safety-loop and metrics ITs, without starting it: the
# tests start their own on a loopback port with a generated config (test fixture PrometheusServer)
# and stop it. Idempotent: installs only when /usr/bin/prometheus is missing. Needs root (apt-get).
set -euo pipefail

if command -v prometheus >/dev/null 2>&1; then
  echo "setup-prometheus: $(prometheus --version 2>&1 | head -1)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-prometheus: prometheus is missing and apt-get is unavailable; install Debian's prometheus package by hand" >&2
  exit 3
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

echo "setup-prometheus: installing Debian's prometheus (the service is not started)"
export DEBIAN_FRONTEND=noninteractive
# keep the package's maintainer scripts from starting the daemon: the tests start their own
policy=/usr/sbin/policy-rc.d
restore=""
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  restore=1
fi
cleanup() { [[ -n "$restore" ]] && $SUDO rm -f "$policy"; return 0; }
trap cleanup EXIT
$SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1 \
  || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
echo "setup-prometheus: installed $(prometheus --version 2>&1 | head -1)"
