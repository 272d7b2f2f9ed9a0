#!/usr/bin/env bash
# Multi-host firing benchmark: brings up a 3-host testbed (testbed/up 3; takes down one left over),
# deploys one hello container per host, runs N moments (default 100) one second apart, each a
# non-lethal SIGUSR1 to all three containers, with one agent per host over SSH; then prints the
# cross-host spread of the actual fire instants per moment (p50/p99/max), each host's firing error
# (actual - planned), each agent's NTP offset/uncertainty against the testbed's chronyd at arm and what
# its clock resyncs (every 10 s) found: the error (drift) each one corrected and its uncertainty; takes
# the testbed down. Needs root, Docker, scripts/setup-testbed.sh and reprise/hello:latest.
#
# --as-users [RUNS] measures it the way users run scenarios: RUNS (default 5) separate `master run
# --hosts` processes of the shipped jars (fresh JVMs, no warm-up), each 9 containers (3 per host) and
# 3 moments at 2, 5 and 9 s after T0 signalling all 9; prints the spreads over all moments and over
# each run's first moment alone.
# Usage: scripts/bench-multihost.sh [N] | scripts/bench-multihost.sh --as-users [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
main=dev.reprise.master.remote.MultiHostBench
if [[ "${1:-}" == --as-users ]]; then
  main=dev.reprise.master.remote.MultiHostScenarioBench
  shift
  n="${1:-5}"
else
  n="${1:-100}"
fi
# the shaded jars (agent-all.jar is shipped to the hosts, master-all.jar runs --as-users), the test
# classes, and their classpath (the reactor's own modules as their target folders)
./mvnw -B -q -pl master-controller -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cd master-controller
exec java -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" "$main" "$n"
