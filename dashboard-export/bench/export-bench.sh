#!/usr/bin/env bash
# Times `Exporter.export` on a synthetic 10-minute run with 20 containers (16 servers with 5000 log
# lines each, 4 traffic clients), and `RunComparison` of that run against itself.
# Usage: dashboard-export/bench/export-bench.sh [SECONDS] [SERVERS] [CLIENTS] [LOG_LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/dashboard-export-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 bench/make-big-run.py "$work/run" "$@"
../mvnw -B -q -o compile test-compile >/dev/null
../mvnw -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
echo "run folder: $(du -sh "$work/run" | cut -f1), $(cat "$work"/run/logs/*.jsonl | wc -l) log lines, $(wc -l < "$work/run/stats.jsonl") stats lines"
java -cp "target/classes:target/test-classes:$(cat "$work/cp.txt")" dev.reprise.export.ExportBench "$work/run"
