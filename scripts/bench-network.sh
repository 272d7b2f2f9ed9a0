#!/usr/bin/env bash
# Network fault benchmark on the local engine: CYCLES (default 5) cycles of `delay 50ms` and
# `loss 10%` (6 s each) on one container's traffic to another, run by the shipped master jar as
# users run it, measured from inside the container's network namespace with the agent's helper
# (udp-ping bursts against udp-echo). Prints the added round trip (p50/mean/p99) and the loss ratio
# against what was asked, the mechanism the host used, and from the run's timeline the time from
# each planned instant until the rules were in place and from each planned end until the heal was
# done. Needs root, Docker and reprise/hello:latest (scripts/build-images.sh hello).
# Usage: scripts/bench-network.sh [CYCLES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-5}"
./mvnw -B -q -pl master-controller -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cd master-controller
exec java -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" dev.reprise.master.faults.NetworkFaultBench "$n"
