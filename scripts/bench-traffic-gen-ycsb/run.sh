#!/usr/bin/env bash
# YCSB 0.17.0 workload A against the benchmark's Cassandra node, at increasing target rates, for
# comparison with the traffic generator (called by scripts/bench-traffic-gen.sh; can run alone).
# Builds the minimal binding here (YCSB's Cassandra binding is not on Maven Central), loads
# RECORDS records, then per rate runs `site.ycsb.Client -t -target RATE` and samples client and
# server CPU over a steady-state window of STEP_SECONDS starting 2 s after the first operations, like the generator's
# benchmark. YCSB is closed-loop (THREADS client threads); with -target it also reports latencies
# from intended start ([INTENDED-READ], measurement.interval=both), which is what we compare.
#   usage: run.sh CONTAINER   env: PORT (required), OUT, RATES, STEP_SECONDS, THREADS, RECORDS
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="$1"
port="${PORT:?PORT of the Cassandra node}"
out="${OUT:-$root/target/bench-traffic-gen/ycsb-$(date -u +%Y%m%dT%H%M%SZ)}/ycsb"
[[ "$out" == */ycsb ]] || out="$out/ycsb"
rates=(${RATES:-1000 2000 4000 8000})
step="${STEP_SECONDS:-15}"
threads="${THREADS:-16}"
records="${RECORDS:-50000}"
log() { echo "bench-ycsb: $*" >&2; }
mkdir -p "$out"

if [[ ! -f "$here/target/ycsb-cassandra-binding-0.1.0.jar" || "$here/src" -nt "$here/target/ycsb-cassandra-binding-0.1.0.jar" ]]; then
  log "building the YCSB binding and fetching site.ycsb:core:0.17.0"
  "$root/mvnw" -B -q -f "$here/pom.xml" package dependency:copy-dependencies >&2
fi
cp="$here/target/ycsb-cassandra-binding-0.1.0.jar:$here/target/lib/*"
ycsb=(java -cp "$cp" site.ycsb.Client -db dev.reprise.bench.CassandraYcsbDb -P "$here/workloada.properties"
  -p hosts=127.0.0.1 -p port="$port" -p recordcount="$records")
cid="$(docker inspect -f '{{.Id}}' "$name")"
server_cpu_ns() { cat "/sys/fs/cgroup/cpuacct/docker/$cid/cpuacct.usage" 2>/dev/null \
  || cat "/sys/fs/cgroup/system.slice/docker-$cid.scope/cpu.stat" 2>/dev/null | awk '/usage_usec/{print $2*1000}'; }
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz="$(getconf CLK_TCK)"
status_secs() { grep -oE '^[0-9-]+ [0-9:]+ ([0-9]+) sec' "$1" 2>/dev/null | tail -1 | awk '{print $3}' || true; }

log "loading $records records (workload A)"
"${ycsb[@]}" -load -threads 8 -s > "$out/load.out" 2> "$out/load.err"
grep -E '^\[OVERALL\], Throughput' "$out/load.out" >&2 || { log "load failed:"; tail -20 "$out/load.err" >&2; exit 1; }

printf '%-8s %-9s %-7s %-9s %-9s %-10s %-12s %-11s %-12s %-6s %s\n' target achieved errors rd_p99_ms up_p99_ms client_cpu cpu_ms_per_1k server_cpu srv_ms_per_1k load1 note \
  | tee "$out/table.txt"
for rate in "${rates[@]}"; do
  "${ycsb[@]}" -t -threads "$threads" -target "$rate" -s -p status.interval=1 -p measurement.interval=both \
    -p operationcount=$((rate * (step + 30))) -p maxexecutiontime=$((step + 15)) \
    > "$out/rate-$rate.out" 2> "$out/rate-$rate.err" &
  pid=$!
  # YCSB connects for a few seconds before its first operation; start the window 2 s after that.
  while kill -0 "$pid" 2>/dev/null && ! grep -qE ' sec: [1-9][0-9]* operations' "$out/rate-$rate.err"; do sleep 0.05; done
  first="$(grep -E ' sec: [1-9][0-9]* operations' "$out/rate-$rate.err" | head -1 | awk '{print $3}')"
  while kill -0 "$pid" 2>/dev/null && (( $(status_secs "$out/rate-$rate.err") + 0 < ${first:-0} + 2 )); do sleep 0.05; done
  c0="$(proc_ticks "$pid")"; s0="$(server_cpu_ns)"; t0="$(status_secs "$out/rate-$rate.err")"
  ops0="$(grep -oE ' sec: [0-9]+ operations' "$out/rate-$rate.err" | tail -1 | awk '{print $2}')"
  while kill -0 "$pid" 2>/dev/null && (( $(status_secs "$out/rate-$rate.err") + 0 < t0 + step )); do sleep 0.05; done
  c1="$(proc_ticks "$pid")"; s1="$(server_cpu_ns)"; t1="$(status_secs "$out/rate-$rate.err")"
  ops1="$(grep -oE ' sec: [0-9]+ operations' "$out/rate-$rate.err" | tail -1 | awk '{print $2}')"
  wait "$pid" || true
  line="$(python3 - "$out/rate-$rate.out" "$rate" "$t0" "$t1" "$ops0" "$ops1" "$((c1 - c0))" "$hz" "$(( (s1 - s0) / 1000000 ))" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import sys
f, rate, t0, t1, ops0, ops1, ticks, hz, server_ms, load = sys.argv[1:]
rate = int(rate)
m = {}
for l in open(f):
    p = [x.strip() for x in l.split(",")]
    if len(p) == 3:
        m[(p[0], p[1])] = p[2]
ops = int(ops1) - int(ops0)
secs = max(1, int(t1) - int(t0))
achieved = ops / secs
errors = sum(int(float(v)) for (k, n), v in m.items() if n.startswith("Return=") and "OK" not in n and not k.startswith("[INTENDED") and not k.startswith("[CLEANUP"))
def p99(op):
    v = m.get((f"[INTENDED-{op}]", "99thPercentileLatency(us)")) or m.get((f"[{op}]", "99thPercentileLatency(us)"))
    return float(v) / 1000 if v else 0
cpu = int(ticks) / int(hz)
server = int(server_ms) / 1000
sat = achieved < 0.9 * rate or errors > 0.01 * max(1, ops)
print(f"{rate:<8} {achieved:<9.0f} {errors:<7} {p99('READ'):<9.2f} {p99('UPDATE'):<9.2f} {cpu:<10.2f} "
      f"{1000 * cpu / max(1, ops):<12.2f} {server:<11.2f} {1000 * server / max(1, ops):<12.2f} {load:<6} {'SATURATED' if sat else ''}")
PY
)"
  echo "$line" | tee -a "$out/table.txt"
  [[ "$line" == *SATURATED* ]] && { log "saturated at $rate ops/s"; break; }
done
echo "columns: achieved/errors over the window; rd/up_p99_ms = whole-run p99 from intended start ([INTENDED-READ/UPDATE]); CPU seconds over the window; load1 = host load average" >> "$out/table.txt"
log "results in $out"
