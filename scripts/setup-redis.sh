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
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"
apt_install_quietly setup-redis redis-server redis-sentinel redis-tools
echo "setup-redis: installed $(redis-server --version | cut -d' ' -f1-3)"
