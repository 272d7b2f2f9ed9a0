#!/usr/bin/env bash
# Installs Debian's prometheus server for the safety-loop and metrics ITs, without starting it: the
# tests start their own on a loopback port with a generated config (test fixture PrometheusServer)
# and stop it. Idempotent: installs only when /usr/bin/prometheus is missing. Needs root (apt-get).
set -euo pipefail

if command -v prometheus >/dev/null 2>&1; then
  echo "setup-prometheus: $(prometheus --version 2>&1 | head -1)"
  exit 0
fi
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"
echo "setup-prometheus: installing Debian's prometheus (the service is not started)"
apt_install_quietly setup-prometheus prometheus
echo "setup-prometheus: installed $(prometheus --version 2>&1 | head -1)"
