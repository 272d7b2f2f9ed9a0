#!/usr/bin/env bash
# Collection-overhead benchmark (issue 18): the agent's collection against the `docker stats
# --no-stream` CLI loop, same containers, same duration, paired.
#   scripts/bench-collect.sh [CONTAINERS=30] [SECONDS=90]
# Deploys CONTAINERS reprise/hello containers printing 10 lines/s (plain `docker run`, named
# perf-collect-hello-<slot>, labelled as tasks of the swarm service perf-collect_hello, which is all
# the agent looks at: no swarm needed), then under the shared IT lock, one after the other:
#  (A) the real agent (AgentMain's dependencies, test class bench/CollectBench) armed for SECONDS
#      with stats every 1 s, every log followed, host stats, and a harmless SIGUSR1 every 2 s
#      (firing lateness shows whether collection delays firing);
#  (B) a bash loop of `docker stats --no-stream <the containers>` for SECONDS.
# For each: CPU of the measured process (utime+stime, for B also its waited children: the CLI) and
# of dockerd, from /proc/PID/stat deltas over the same window, in % of one core; peak RSS (VmHWM).
# Removes everything it created at the end, also on Ctrl-C. Env: AGENT_JAR=path (another build of
# the agent, e.g. the one before a change), JFR=file.jfr (record a flight recording of A),
# JAVA_OPTS (extra agent JVM options, after the master's own: -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms16m;
# -Xms377m restores the old initial heap;
# -XX:TieredStopAtLevel=4 restores C2 for a before/after pair), ONLY=A|B (one side only).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-30}"
seconds="${2:-90}"
service=perf-collect_hello
tck="$(getconf CLK_TCK)"
work="$(mktemp -d /tmp/perf-collect-bench.XXXXXX)"

cleanup() {
  local ids
  ids="$(docker ps -aq --filter "label=com.docker.swarm.service.name=$service" --filter name=perf-collect-hello- 2>/dev/null || true)"
  [[ -n "$ids" ]] && docker rm -f $ids >/dev/null 2>&1 || true
  [[ -n "${bench_pid:-}" ]] && kill "$bench_pid" 2>/dev/null || true
  [[ -n "${loop_pid:-}" ]] && kill "$loop_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

images/hello/build.sh
jar=local-controller/target/agent-all.jar
bench=local-controller/target/test-classes/dev/reprise/agent/bench/CollectBench.class
if [[ ! -f "$jar" || ! -f "$bench" ]] || [[ -n "$(find local-controller/src fdsl-schema/src -newer "$jar" -print -quit)" ]]; then
  ./mvnw -o -B -q -pl local-controller -am package -DskipTests
fi

# utime+stime (+cutime+cstime with "children") of PID, in clock ticks.
ticks() {
  local rest
  rest="$(sed 's/^.*) //' "/proc/$1/stat")"
  # after "pid (comm) ": field 3 is state, so utime/stime/cutime/cstime are words 12..15
  set -- $rest
  if [[ "${2:-}" == children ]]; then echo $(( ${12} + ${13} + ${14} + ${15} )); else echo $(( ${12} + ${13} )); fi
}
ticks_of() { local pid="$1"; shift; set -- $(sed 's/^.*) //' "/proc/$pid/stat"); echo $(( ${12} + ${13} + ${14} + ${15} )); }
hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
pct() { awk -v t="$1" -v s="$2" -v k="$tck" 'BEGIN {printf "%.1f", 100 * t / k / s}'; }
now_ns() { date +%s%N; }
# "<thread name, digits folded> <utime+stime>" per thread of PID
thread_ticks() {
  awk '{ name = $0; sub(/^[0-9]+ \(/, "", name); sub(/\) [A-Z] .*$/, "", name); gsub(/[0-9 ]/, "", name)
         rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " "); print name, f[12] + f[13] }' /proc/$1/task/*/stat 2>/dev/null
}
dockerd="$(pidof dockerd)"

echo "deploying $n containers of reprise/hello (10 lines/s each)" >&2
for i in $(seq 1 "$n"); do
  docker run -d --name "perf-collect-hello-$i" --memory 64m \
    --label "com.docker.swarm.service.name=$service" --label "com.docker.swarm.task.name=$service.$i.bench" \
    --label "com.docker.swarm.task.id=bench$i" \
    -e HELLO_INTERVAL=0.1 reprise/hello:latest >/dev/null
done
names=()
for i in $(seq 1 "$n"); do names+=("perf-collect-hello-$i"); done

run_agent() {
  local out="$work/agent.out" err="$work/agent.err" jfr=() t0 start_ns a0 d0 a1 d1 end_ns el
  [[ -n "${JFR:-}" ]] && jfr=("-XX:StartFlightRecording=filename=$JFR,settings=profile")
  # the agent's JVM options as the master starts it (ChildProcessAgent, SshAgent), then JAVA_OPTS
  java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms16m ${JAVA_OPTS:-} "${jfr[@]}" -Dlogback.configurationFile=reprise-agent-logback.xml \
    -cp "local-controller/target/test-classes:fdsl-schema/target/classes:${AGENT_JAR:-$jar}" \
    dev.reprise.agent.bench.CollectBench "$n" "$seconds" "$service" "$work/records" >"$out" 2>"$err" &
  bench_pid=$!
  while ! grep -q '^T0 ' "$out" 2>/dev/null; do
    kill -0 "$bench_pid" 2>/dev/null || { cat "$err" >&2; echo "the agent bench ended before arming" >&2; return 1; }
    sleep 0.2
  done
  t0="$(awk '/^T0 / {print $2}' "$out")"
  # The window starts at T0 (collection runs from arming on; the first seconds of JVM start are not the steady state).
  while (( $(now_ns) / 1000000 < t0 )); do sleep 0.1; done
  start_ns="$(now_ns)"; a0="$(ticks "$bench_pid")"; d0="$(ticks "$dockerd")"; thread_ticks "$bench_pid" >"$work/threads0"
  sleep "$((seconds - 1))"
  end_ns="$(now_ns)"; a1="$(ticks "$bench_pid")"; d1="$(ticks "$dockerd")"; thread_ticks "$bench_pid" >"$work/threads1"
  local rss; rss="$(hwm_mb "$bench_pid")"
  local threads; threads="$(awk '/^Threads/ {print $2}' "/proc/$bench_pid/status")"
  wait "$bench_pid"; bench_pid=""
  el="$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN {print (b - a) / 1e9}')"
  echo "A agent:    agent $(pct $((a1 - a0)) "$el") % of a core, dockerd $(pct $((d1 - d0)) "$el") %, agent peak RSS ${rss} MB, ${threads} threads (${el} s window)"
  grep -E '^(firing|logs|stats|  )' "$out" | sed 's/^/           /'
  # threads that lived through the window, CPU per name (threads that ended inside it are left out)
  echo "           busiest threads (ticks of 1/$tck s over the window, count):"
  awk 'NR == FNR {a[$1] += $2; next} {b[$1] += $2; c[$1]++} END {for (k in b) printf "%d %s %d\n", b[k] - a[k], k, c[k]}' \
    "$work/threads0" "$work/threads1" | sort -rn | head -8 | sed 's/^/             /'
  grep -v '"ended"' "$err" | grep -i -E 'warn|error|exception' | head -5 >&2 || true
}

run_cli() {
  local start_ns end_ns d0 d1 l1 el
  d0="$(ticks "$dockerd")"; start_ns="$(now_ns)"
  bash -c 'while :; do docker stats --no-stream "$@" >/dev/null; done' loop "${names[@]}" &
  loop_pid=$!
  sleep "$((seconds - 1))"
  # the loop's waited children are the finished CLI calls (the one in flight is left out)
  l1="$(ticks_of "$loop_pid")"; end_ns="$(now_ns)"; d1="$(ticks "$dockerd")"
  local rss; rss="$(hwm_mb "$loop_pid")"
  kill "$loop_pid"; wait "$loop_pid" 2>/dev/null || true; loop_pid=""
  el="$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN {print (b - a) / 1e9}')"
  echo "B CLI loop: loop+CLI $(pct "$l1" "$el") % of a core, dockerd $(pct $((d1 - d0)) "$el") % (${el} s window; stats only, no logs)"
}

echo "$n containers, $seconds s each side, $(nproc) cores; dockerd pid $dockerd" >&2
if [[ "${ONLY:-}" != B ]]; then flock /tmp/reprise-it.lock bash -c "$(declare -f ticks ticks_of hwm_mb pct now_ns thread_ticks run_agent); \
  n=$n seconds=$seconds service=$service work=$work jar=$jar tck=$tck dockerd=$dockerd AGENT_JAR='${AGENT_JAR:-}' JFR='${JFR:-}' JAVA_OPTS='${JAVA_OPTS:-}'; run_agent"; fi
if [[ "${ONLY:-}" != A ]]; then flock /tmp/reprise-it.lock bash -c "$(declare -f ticks ticks_of hwm_mb pct now_ns run_cli); \
  names=(${names[*]}) seconds=$seconds tck=$tck dockerd=$dockerd; run_cli"; fi
