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
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"
apt_install_quietly setup-nginx nginx-light wrk
echo "setup-nginx: installed $(nginx -v 2>&1)"
