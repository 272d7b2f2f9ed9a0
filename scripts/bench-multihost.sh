#!/usr/bin/env bash
# Multi-host firing benchmark: brings up a 3-host testbed (testbed/up 3; takes down one left over),
# deploys one hello container per host, runs N moments (default 100) one second apart, each a
# non-lethal SIGUSR1 to all three containers, with one agent per host over SSH; then prints the
# cross-host spread of the actual fire instants per moment (p50/p99/max), each host's firing error
# (actual - planned), each agent's NTP offset/uncertainty against the testbed's chronyd at arm and what
# its clock resyncs (every 10 s) found: the error (drift) each one corrected and its uncertainty; takes
# the testbed down. Needs root, Docker, scripts/setup-testbed.sh and reprise/hello:latest.
# Usage: scripts/bench-multihost.sh [N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-100}"
[[ -f local-controller/target/agent-all.jar ]] || ./mvnw -B -q -pl local-controller package -DskipTests
./mvnw -B -q -pl master-controller test-compile
./mvnw -B -q -pl master-controller dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cd master-controller
exec java -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" dev.reprise.master.remote.MultiHostBench "$n"
