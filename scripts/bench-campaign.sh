#!/usr/bin/env bash
# Per-run overhead of the campaign runner on the local engine: a campaign of RUNS short hello runs
# (2 containers, one 1 s CPU burn, 4 s each) with a COOLDOWN between runs; for each pair of
# consecutive runs it reports, beyond the cooldown,
#   end -> next start : from one run's end (run.json end) to the next run's start (run.json start):
#                       the runner's own work (campaign.json, catalog, next run's setup before deploy)
#   end -> next T0    : from one run's end to the next run's T0 (the issue's figure: adds deploying
#                       the next stack and arming its agent)
# and splits the first into the finished run's own teardown (run.json end -> its command returned:
# stack removal, export, catalog) and the runner alone (campaign.json attempt end -> next attempt start).
# Usage: scripts/bench-campaign.sh [RUNS (default 6)] [COOLDOWN seconds (default 2)]
# Needs master-controller/target/master-all.jar (./mvnw -o -q -pl master-controller -am package -DskipTests)
# and the offline image reprise/hello. Takes the shared IT lock while it runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-6}"
cooldown="${2:-2}"
jar="$root/master-controller/target/master-all.jar"
[[ -f "$jar" ]] || { echo "no $jar; build it first" >&2; exit 2; }
work="$(mktemp -d /tmp/bench-campaign.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp "$jar" "$work/master.jar"
cat > "$work/docker-compose.yml" <<'YAML'
services:
  hello:
    image: reprise/hello:latest
    environment: {HELLO_INTERVAL: "0.5"}
    deploy: {endpoint_mode: dnsrr, restart_policy: {condition: none}}
YAML
cat > "$work/scenario.yaml" <<'YAML'
environment: {seed: 1}
events:
  - beginning: {hello: 2}
  - moment: {time: 1, services: {hello: [{fault: {target: {specific: [0]}, cpu: {duration: 1, cores: 1}}}]}}
  - end: 4
YAML
cat > "$work/campaign.yaml" <<YAML
name: campaign-bench
cooldown: ${cooldown}s
groups:
  - name: campaign-bench
    scenario: scenario.yaml
    repetitions: ${runs}
YAML
echo "bench-campaign: $runs runs, cooldown ${cooldown}s, in $work" >&2
start=$(date +%s)
flock /tmp/reprise-it.lock java -jar "$work/master.jar" campaign "$work/campaign.yaml" --out "$work/out" >"$work/stdout" 2>"$work/stderr" || {
  echo "the campaign failed:" >&2; tail -30 "$work/stderr" >&2; exit 1; }
echo "bench-campaign: the campaign took $(( $(date +%s) - start )) s" >&2
python3 - "$work/out/campaign-bench" "$cooldown" <<'PY'
import json, sys, statistics
from datetime import datetime
d, cooldown = sys.argv[1], float(sys.argv[2])
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
m = json.load(open(d + "/campaign.json"))
rs = [json.load(open(d + "/" + r["attempts"][-1]["run_dir"] + "/run.json")) for r in m["runs"]]
ats = [r["attempts"][-1] for r in m["runs"]]
starts, t0s, teardown, runner = [], [], [], []
for a, b, aa, ba in zip(rs, rs[1:], ats, ats[1:]):
    starts.append(t(b["start"]) - t(a["end"]) - cooldown)
    t0s.append(t(b["t0"]) - t(a["end"]) - cooldown)
    teardown.append(t(aa["end"]) - t(a["end"]))             # run.json end -> the run's command returned
    runner.append(t(ba["start"]) - t(aa["end"]) - cooldown)  # the runner alone: campaign.json, catalog, next launch
dur = [t(r["end"]) - t(r["start"]) for r in rs]
f = lambda xs: "mean %.2f s, median %.2f s, min %.2f s, max %.2f s" % (statistics.mean(xs), statistics.median(xs), min(xs), max(xs))
print("runs: %d (outcomes %s), run duration (start..end) %s" % (len(rs), ",".join(r["outcome"] for r in rs), f(dur)))
print("overhead beyond the cooldown, end -> next start: " + f(starts))
print("overhead beyond the cooldown, end -> next T0:    " + f(t0s))
print("  of which the finished run's own teardown (run.json end -> its command returned: removal, export): " + f(teardown))
print("  of which the runner alone (command returned -> next attempt started, beyond the cooldown):       " + f(runner))
PY
