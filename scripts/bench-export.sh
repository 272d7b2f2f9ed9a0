#!/usr/bin/env bash
# Export benchmark (issue 18): generates synthetic run folders (scripts/lib/gen-run.py: 3 hosts, a
# traffic client, web containers logging LOG_RATE lines/s, stats and host stats every second, kills,
# restarts, cpu faults and marks) of 20 containers x 10 min (1x), 40 x 10 min (2x), 50 x 20 min (5x)
# and, with --full, 50 x 60 min (15x), and times `master export RUN_DIR` (the shaded master jar, a
# fresh JVM each) on each: wall, CPU (user+sys), peak RSS, and CPU per container-minute (flat = linear).
# Usage: scripts/bench-export.sh [--full] [--runs N]    Env: BENCH_DIR, LOG_RATE (default 5), SKIP_BUILD=1
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
full=0 runs=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --full) full=1; shift ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--full] [--runs N]" >&2; exit 2 ;;
  esac
done
dir="${BENCH_DIR:-$root/master-controller/target/bench-export}"
rate="${LOG_RATE:-5}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -o -B -q -pl master-controller -am package -DskipTests >/dev/null
fi
jar="${BENCH_JAR:-$root/master-controller/target/master-all.jar}"
sizes=("20 10" "40 10" "50 20")
((full)) && sizes+=("50 60")
mkdir -p "$dir"
printf '%-16s %8s %8s %8s %10s %14s\n' size input wall cpu peak_rss cpu/cont-min
for s in "${sizes[@]}"; do
  read -r c m <<<"$s"
  run="$dir/run-${c}x${m}-r$rate"
  [[ -f "$run/.done" ]] || { python3 scripts/lib/gen-run.py "$run" "$c" "$m" "$rate"; touch "$run/.done"; }
  size=$(du -sm --exclude=export "$run" | cut -f1)
  for ((i = 1; i <= runs; i++)); do
    rm -rf "$dir/out"
    /usr/bin/time -o "$dir/time" -f '%e %U %S %M' java -jar "$jar" export "$run" --out "$dir/out" >"$dir/export.log" 2>&1
    read -r wall user sys rss <"$dir/time"
    cpu=$(echo "$user + $sys" | bc -l)
    printf '%-16s %6s MB %6.2f s %6.2f s %7.0f MB %11.1f ms\n' "${c}c x ${m}min" "$size" "$wall" "$cpu" \
      "$(echo "$rss / 1024" | bc -l)" "$(echo "$cpu * 1000 / ($c * $m)" | bc -l)"
  done
done
