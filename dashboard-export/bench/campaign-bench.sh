#!/usr/bin/env bash
# Times `CampaignReport.write` (campaign.html + campaign.csv) on a synthetic campaign folder of RUNS
# runs (default 100: 96 finished, each a copy of the 60 s fixture run folder, and 4 pending), three
# times in one JVM (the first includes class loading and JIT warm-up).
# Usage: dashboard-export/bench/campaign-bench.sh [RUNS] [fixtures|synthetic]
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/campaign-report-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
./mvnw -B -q -o -pl dashboard-export -am test-compile >/dev/null
./mvnw -B -q -o -pl dashboard-export dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
java -cp "dashboard-export/target/classes:dashboard-export/target/test-classes:fdsl-schema/target/classes:$(cat "$work/cp.txt")" \
  dev.reprise.export.campaign.CampaignReportBench "$work/campaign" "${1:-100}" "${2:-fixtures}"
echo "campaign folder: $(du -sh "$work/campaign" | cut -f1)"
