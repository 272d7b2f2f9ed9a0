#!/usr/bin/env bash
# Safety-loop benchmark on the local engine: TRIPS (default 20) runs, each with a partition that makes
# a workload's error rate cross its abort_when threshold, run by the shipped master jar as users run
# it. Prints, per run and as p50/p99/max, the time from the first failing workload line (the engine's
# timestamp of it) to the trip and to the partition's heal. Goal: healed <= 1.5 s at p99 with the
# default 1 s check interval. Needs root, Docker and reprise/hello:latest (scripts/build-images.sh hello).
# --testbed [TRIPS]: the same on a 3-host testbed (testbed/up 3, taken down after; needs
# scripts/setup-testbed.sh): web on the manager, the probe on a worker, one agent per host over SSH.
# Usage: scripts/bench-safety.sh [TRIPS] | scripts/bench-safety.sh --testbed [TRIPS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./mvnw -B -q -pl master-controller -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cd master-controller
exec java -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" dev.reprise.master.safety.SafetyBench "$@"
