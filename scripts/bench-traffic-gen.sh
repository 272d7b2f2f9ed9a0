#!/usr/bin/env bash
# Benchmark of the traffic generator against one local reprise/cassandra:4.1.7 node: runs the
# generator at increasing target rates (a fresh process per step) until the client or the server
# saturates (achieved < 90 % of the target, more than 1 % errors, or the senders more than 1 s
# behind schedule at the end of the window), and prints per step:
# achieved ops/s, errors, p50/p99 latency, client CPU seconds (user+sys of the generator process)
# and server CPU seconds (the container's cgroup). Writes the table and every final log under
# $OUT (default target/bench-traffic-gen/<time>). CPU and throughput are measured over a
# steady-state window of STEP_SECONDS per step (JVM start-up and the first catch-up excluded). Then, when YCSB=1 (default), runs YCSB 0.17.0
# workload A at the same rates (scripts/bench-traffic-gen-ycsb/run.sh).
#
#   RATES="1000 2000 4000 8000 16000 32000"  target ops/s per step
#   STEP_SECONDS=15  WARMUP_SECONDS=20  THREADS=2  MODE=mixed  VALUE_SIZE=1000  KEYS=100000
#   YCSB=1           also run YCSB workload A
# Needs Docker and the images from scripts/build-images.sh (debian-base, cassandra).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rates=(${RATES:-1000 2000 4000 8000 16000 32000})
step="${STEP_SECONDS:-15}"
warmup="${WARMUP_SECONDS:-20}"
threads="${THREADS:-2}"
mode="${MODE:-mixed}"
value_size="${VALUE_SIZE:-1000}"
keys="${KEYS:-100000}"
out="${OUT:-$root/target/bench-traffic-gen/$(date -u +%Y%m%dT%H%M%SZ)}"
name="traffic-generator-bench-$$"
jar="$root/traffic-generator/target/traffic-gen.jar"
log() { echo "bench: $*" >&2; }

mkdir -p "$out"
"$root/images/cassandra/build.sh"
[[ -f "$jar" ]] || (cd "$root" && ./mvnw -q -B -DskipTests -pl traffic-generator -am package)

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() { docker rm -f -v "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
log "starting Cassandra ($name, CQL on 127.0.0.1:$port)"
docker run -d --name "$name" -p "127.0.0.1:$port:9042" reprise/cassandra:4.1.7 >/dev/null
for i in $(seq 1 150); do
  docker logs "$name" 2>&1 | grep -q "Starting listening for CQL clients" && break
  if [[ "$(docker inspect -f '{{.State.Running}}' "$name")" != true || $i == 150 ]]; then
    log "Cassandra did not start; last log lines:"; docker logs --tail 30 "$name" >&2; exit 1
  fi
  sleep 1
done
cid="$(docker inspect -f '{{.Id}}' "$name")"
server_cpu_ns() { cat "/sys/fs/cgroup/cpuacct/docker/$cid/cpuacct.usage" 2>/dev/null \
  || cat "/sys/fs/cgroup/system.slice/docker-$cid.scope/cpu.stat" 2>/dev/null | awk '/usage_usec/{print $2*1000}'; }
echo "$port" > "$out/port"

# Ticks of CPU (user+sys) a process has used so far.
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz="$(getconf CLK_TCK)"

# One generator run of $2 measured seconds at rate $1 (a fresh JVM). Client and server CPU are
# sampled over the steady-state window only: from the 5th per-second line to the (5 + $2)th, so
# JVM start-up, driver connection and schema checks are not charged to the rate. Leaves
# $out/<label>.{json,lines,err,window}.
run_gen() {
  local rate=$1 secs=$2 label=$3
  local minutes; minutes="$(python3 -c "print(($secs + 8) / 60)")"
  java -jar "$jar" --hosts "127.0.0.1:$port" --mode "$mode" \
    --threads "$threads" --rate "$rate" --duration-minutes "$minutes" --value-size "$value_size" \
    --key-count "$keys" --keyspace bench --log "$out/$label.json" > "$out/$label.lines" 2> "$out/$label.err" &
  local pid=$! c0 s0 c1 s1 l0
  while kill -0 "$pid" 2>/dev/null && (( $(wc -l < "$out/$label.lines") < 5 )); do sleep 0.05; done
  c0="$(proc_ticks "$pid")"; s0="$(server_cpu_ns)"; l0="$(wc -l < "$out/$label.lines")"
  while kill -0 "$pid" 2>/dev/null && (( $(wc -l < "$out/$label.lines") < l0 + secs )); do sleep 0.05; done
  c1="$(proc_ticks "$pid")"; s1="$(server_cpu_ns)"
  wait "$pid"
  echo "$l0 $((l0 + secs)) $(( c1 - c0 )) $hz $(( (s1 - s0) / 1000000 )) $(cut -d' ' -f1 /proc/loadavg)" > "$out/$label.window"
}

log "warm-up: ${warmup}s at 1000 ops/s (loads keys, JIT)"
run_gen 1000 "$warmup" warmup
printf '%-8s %-9s %-7s %-8s %-8s %-9s %-12s %-11s %-12s %-6s %s\n' target achieved errors p50_ms p99_ms client_cpu cpu_ms_per_1k server_cpu srv_ms_per_1k load1 note \
  | tee "$out/table.txt"
for rate in "${rates[@]}"; do
  run_gen "$rate" "$step" "rate-$rate"
  line="$(python3 - "$out" "$rate" <<'PY'
import json, sys
out, rate = sys.argv[1], int(sys.argv[2])
d = json.load(open(f"{out}/rate-{rate}.json"))
l0, l1, ticks, hz, server_ms, load = open(f"{out}/rate-{rate}.window").read().split()
lines = [json.loads(l) for l in open(f"{out}/rate-{rate}.lines")]
# Lines l0+1 .. l1 (1-based) were printed inside the CPU sampling window.
win = lines[int(l0):int(l1)]
secs = sum(l["interval_ms"] for l in win) / 1000
ok = sum(l["ops_ok"] for l in win)
failed = sum(sum(l["errors"].values()) for l in win)
achieved = ok / max(secs, 1e-9)
cpu = int(ticks) / int(hz)
server = int(server_ms) / 1000
p50 = sorted(l["latency_ms"]["p50"] or 0 for l in win)[len(win) // 2]
p99 = max((l["latency_ms"]["p99"] or 0) for l in win)
# Saturated: short of the target, errors, or still behind the schedule at the end of the window
# (throughput can look fine while the senders work off a backlog).
behind = win[-1].get("behind_ms", 0) if win else 0
sat = achieved < 0.9 * rate or failed > 0.01 * max(1, ok + failed) or behind > 1000
print(f"{rate:<8} {achieved:<9.0f} {failed:<7} {p50:<8.2f} {p99:<8.2f} {cpu:<9.2f} {1000 * cpu / max(1, ok):<12.2f} "
      f"{server:<11.2f} {1000 * server / max(1, ok):<12.2f} {load:<6} {'SATURATED' if sat else ''}{f' (behind {behind} ms)' if behind > 1000 else ''}")
PY
)"
  echo "$line" | tee -a "$out/table.txt"
  [[ "$line" == *SATURATED* ]] && { log "saturated at $rate ops/s"; break; }
done
echo "columns: achieved = ok ops/s and errors over the window; p50_ms = median of per-second p50s, p99_ms = worst per-second p99 (from intended start); client_cpu/server_cpu = CPU seconds over the window; load1 = 1-minute load average of the host at the end (other processes compete for the 2 cores)" >> "$out/table.txt"
log "results in $out"
if [[ "${YCSB:-1}" == 1 && -x "$root/scripts/bench-traffic-gen-ycsb/run.sh" ]]; then
  PORT="$port" OUT="$out" RATES="${rates[*]}" STEP_SECONDS="$step" THREADS="${YCSB_THREADS:-16}" \
    "$root/scripts/bench-traffic-gen-ycsb/run.sh" "$name"
fi
