#!/usr/bin/env bash
# Firing-accuracy benchmark of the agent (issue 11): fires N kills (default 100) GAP ms apart (default
# 300) through the real agent on the local single-node swarm, and the same instants with the strongest
# shell baseline (a bash loop that sleeps to each ABSOLUTE deadline, then runs `docker kill`); prints
# |issued - planned|, planned -> die event and (agent) the engine call's own time, p50/p99/max in ms.
# Creates two uniquely named N-replica services of reprise/hello:latest and removes them at the end.
# The benchmark is test code (local-controller/src/test/.../bench/FiringBench.java), run from the test
# classes. AGENT_JAR=path runs another build of the agent (e.g. an older one, for a before/after pair).
#   scripts/bench-firing.sh [N] [GAP_MS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
images/hello/build.sh
[[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" == active ]] || docker swarm init --advertise-addr 127.0.0.1 >/dev/null
jar=local-controller/target/agent-all.jar
bench=local-controller/target/test-classes/dev/reprise/agent/bench/FiringBench.class
if [[ ! -f "$jar" || ! -f "$bench" ]] || [[ -n "$(find local-controller/src fdsl-schema/src -newer "$jar" -print -quit)" ]]; then
  ./mvnw -B -q -pl local-controller -am package -DskipTests
fi
# The benchmark's classes first, then this tree's record types (it reads issued/acknowledged), then the agent.
exec java -Dlogback.configurationFile=reprise-agent-logback.xml \
  -cp "local-controller/target/test-classes:fdsl-schema/target/classes:${AGENT_JAR:-$jar}" \
  dev.reprise.agent.bench.FiringBench "${1:-100}" "${2:-300}"
