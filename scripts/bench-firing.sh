#!/usr/bin/env bash
# Firing-accuracy benchmark of the agent (issue 3): fires N kills (default 100) GAP ms apart (default
# 300) through the real agent on the local single-node swarm, and the same instants with a shell loop
# doing `sleep GAP; docker kill`; prints |actual - planned| and planned -> die-event p50/p99/max in ms.
# Creates two uniquely named N-replica services of reprise/hello:latest and removes them at the end.
#   scripts/bench-firing.sh [N] [GAP_MS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
images/hello/build.sh
[[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" == active ]] || docker swarm init --advertise-addr 127.0.0.1 >/dev/null
jar=local-controller/target/agent-all.jar
if [[ ! -f "$jar" ]] || [[ -n "$(find local-controller/src -newer "$jar" -print -quit)" ]]; then
  ./mvnw -B -q -pl local-controller package -DskipTests
fi
exec java -cp "$jar" dev.reprise.agent.bench.FiringBench "${1:-100}" "${2:-300}"
