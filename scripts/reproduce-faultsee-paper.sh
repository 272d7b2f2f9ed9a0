#!/usr/bin/env bash
# Reproduces FaultSee's Cassandra experiments in shape (its Figs. 4 and 6) on this machine:
# examples/faultsee-paper-kill (kill + custom removenode + replacement) and
# examples/faultsee-paper-cpu (CPU exhaustion of every node), each with `master run` (which exports
# the run folder; `master export` again when the export is missing), then prints from each run
# folder the clients' steady-state throughput before the fault, during it and after recovery, the
# dip as a fraction, the recovery time, the host's load, and the path of the throughput plot
# (also copied to OUT/faultsee-paper-{kill,cpu}-throughput.png). A benchmark, not a test: about
# 10 minutes per experiment, and the figures depend on what else the machine runs.
#
# Usage: scripts/reproduce-faultsee-paper.sh [kill|cpu|both]        (default both)
#        scripts/reproduce-faultsee-paper.sh --figures kill|cpu RUN_DIR   (figures of an existing run)
# Environment: OUT (parent of the run folders, default runs/faultsee-paper), NAME_PREFIX (prefix of
# the run names, e.g. your branch), MASTER (the master command, default bin/master), LOCK (a file to
# flock around each run, so integration tests of others can go between; default none).
# Images (built offline): scripts/build-images.sh debian-base cassandra ycsb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
figures="$root/scripts/lib/faultsee-paper-figures.py"
if [[ "${1:-}" == "--figures" ]]; then
  exec python3 "$figures" "$2" "$3"
fi
which="${1:-both}"
case "$which" in
  kill) experiments=(kill) ;;
  cpu) experiments=(cpu) ;;
  both) experiments=(kill cpu) ;;
  *) echo "usage: $0 [kill|cpu|both] | --figures kill|cpu RUN_DIR" >&2; exit 2 ;;
esac
out="${OUT:-$root/runs/faultsee-paper}"
read -r -a master <<< "${MASTER:-$root/bin/master}"
mkdir -p "$out"
for image in reprise/cassandra:4.1.7 reprise/ycsb:0.17.0; do
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    echo "reproduce-faultsee-paper: image $image is missing; build it offline: scripts/build-images.sh debian-base cassandra ycsb" >&2
    exit 1
  fi
done

runs=()
for x in "${experiments[@]}"; do
  scenario="$root/examples/faultsee-paper-$x/scenario.yaml"
  log="$out/${NAME_PREFIX:-}faultsee-paper-$x.log"
  echo "reproduce-faultsee-paper: $x: master run $scenario (log: $log); load now: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  cmd=("${master[@]}" run "$scenario" --out "$out" --name "${NAME_PREFIX:-}faultsee-paper-$x")
  if [[ -n "${LOCK:-}" ]]; then cmd=(flock "$LOCK" "${cmd[@]}"); fi
  rc=0
  "${cmd[@]}" > "$log.stdout" 2> "$log" || rc=$?
  run_dir="$(tail -n 1 "$log.stdout" 2>/dev/null || true)"
  if [[ -z "$run_dir" || ! -f "$run_dir/run.json" ]]; then
    echo "reproduce-faultsee-paper: $x: master run exited $rc without a run folder; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  [[ "$rc" == 0 ]] || echo "reproduce-faultsee-paper: $x: master run exited $rc (see $log); figures from $run_dir anyway" >&2
  if [[ ! -f "$run_dir/export/csv/workload-clients.csv" ]]; then
    "${master[@]}" export "$run_dir" >&2
  fi
  runs+=("$x=$run_dir")
done

echo
status=0
for entry in "${runs[@]}"; do
  x="${entry%%=*}"; run_dir="${entry#*=}"
  # one run without figures (it failed before its clients ran) does not hide the other's
  if ! python3 "$figures" "$x" "$run_dir"; then
    echo "reproduce-faultsee-paper: $x: no figures from $run_dir (see $out/${NAME_PREFIX:-}faultsee-paper-$x.log)" >&2
    status=1
    continue
  fi
  python3 "$figures" "$x" "$run_dir" --json > "$run_dir/faultsee-paper-figures.json"
  if [[ -f "$run_dir/export/plots/throughput.png" ]]; then
    cp "$run_dir/export/plots/throughput.png" "$out/faultsee-paper-$x-throughput.png"
    echo "  copied to: $out/faultsee-paper-$x-throughput.png"
  fi
  echo
done
exit "$status"
