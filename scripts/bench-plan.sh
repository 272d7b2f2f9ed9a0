#!/usr/bin/env bash
# Planning benchmark (issue 18): generates scenarios and times `master validate` and
# `master plan --json` on them: wall time, CPU (user + sys) and peak RSS, from /usr/bin/time -v.
#
# Generated, in $OUT (default /tmp/bench-plan-$USER):
#   moments-N.yaml  N = 1,000 / 10,000 / 100,000 moments over 200 containers (4 services x 50):
#                   every moment has a mark and one service event, by turns a signal (not killing) on
#                   one specific container and a cpu fault on a percentage (10 %) of a service.
#   and the small inputs that cost far more than their size:
#   alive-N.yaml    100,000 containers at the beginning (10 services x 10,000) + N mark-only moments
#   starts.yaml     45,000 one-container starts in one moment (9 services x 5,000)
#   specific.yaml   stop: {specific: [0..99999]} over 10,000 alive (90,000 IDs not alive: refused)
#   mark.yaml       one moment whose mark is 1 MB
#   aliases.yaml    40,000 moments whose marks are aliases (*m) of one 2 KB anchored mark
# Each row is the best (least wall time) of REPEAT runs (default 3; the pathological inputs run once),
# each run killed after TIMEOUT seconds (default 120). `master --version` is the JVM-start baseline.
#
#   scripts/bench-plan.sh                    # the jar of this tree (built when missing)
#   MASTER_JAR=/tmp/old.jar scripts/bench-plan.sh   # another build, e.g. the one before a change
#   JAVA_OPTS="-XX:TieredStopAtLevel=1" scripts/bench-plan.sh   # plain `java -jar` with these options (JAVA_OPTS= : none)
#   ONLY=moments scripts/bench-plan.sh       # only the N-moment rows (ONLY=small: only the small inputs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${OUT:-/tmp/bench-plan-${USER:-$(id -un)}}"
repeat="${REPEAT:-3}"
timeout_s="${TIMEOUT:-120}"
jar="${MASTER_JAR:-master-controller/target/master-all.jar}"
if [[ -z "${MASTER_JAR:-}" ]] && { [[ ! -f "$jar" ]] || [[ -n "$(find fdsl-schema/src/main master-controller/src/main -newer "$jar" -print -quit)" ]]; }; then
  ./mvnw -o -B -q -pl master-controller -am package -DskipTests >&2
fi
# By default the commands run through bin/master, as users run them (its JVM options for short
# commands and its class-data-sharing archive, dumped once here first); with MASTER_JAR or JAVA_OPTS
# they run as `java $JAVA_OPTS -jar $MASTER_JAR`.
java_opts="${JAVA_OPTS:-}"
if [[ -z "${MASTER_JAR:-}" && -z "${JAVA_OPTS+x}" ]]; then
  master_cmd=("$root/bin/master")
  "$root/bin/master" validate examples/hello/scenario.yaml >/dev/null 2>&1 || true  # builds the CDS archive
  java_opts="(bin/master)"
else
  master_cmd=(java $java_opts -jar "$jar")
fi
mkdir -p "$out"

python3 - "$out" <<'PY'
import os, sys
out = sys.argv[1]
def write(name, text):
    path = os.path.join(out, name)
    if os.path.exists(path):
        return
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)

services = ["web%d" % i for i in range(4)]
def moments(n):
    lines = ["environment:", "  seed: 42", "events:", "  - beginning:"]
    lines += ["      %s: 50" % s for s in services]
    for i in range(n):
        s = services[i % len(services)]
        lines += ["  - moment:", "      time: %d.%d" % (i // 10, i % 10), "      mark: \"moment %d\"" % i,
                  "      services:", "        %s:" % s, "          - fault:", "              target:"]
        if i % 2 == 0:
            lines += ["                specific: [%d]" % (i % 50), "              signal:",
                      "                signal: SIGUSR1", "                kills_container: \"no\""]
        else:
            lines += ["                percentage: 10", "              cpu:", "                duration: 2s",
                      "                cores: 1"]
    lines.append("  - end: %d" % (n // 10 + 10))
    return "\n".join(lines) + "\n"
for n in (1000, 10000, 100000):
    write("moments-%d.yaml" % n, moments(n))

big = ["svc%d" % i for i in range(10)]
def alive(n):
    lines = ["events:", "  - beginning:"] + ["      %s: 10000" % s for s in big]
    for i in range(n):
        lines += ["  - moment:", "      time: %d" % (i + 1), "      mark: m%d" % i]
    lines.append("  - end: %d" % (n + 1))
    return "\n".join(lines) + "\n"
for n in (1000, 5000, 20000):
    write("alive-%d.yaml" % n, alive(n))

nine = ["svc%d" % i for i in range(9)]
lines = ["events:", "  - beginning:"] + ["      %s: 0" % s for s in nine]
lines += ["  - moment:", "      time: 1", "      services:"]
for s in nine:
    lines.append("        %s:" % s)
    lines += ["          - start: {amount: 1}"] * 5000
lines.append("  - end: 2")
write("starts.yaml", "\n".join(lines) + "\n")

write("specific.yaml", "events:\n  - beginning:\n      web: 10000\n  - moment:\n      time: 1\n      services:\n"
      "        web:\n          - stop: {specific: [" + ", ".join(str(i) for i in range(100000)) + "]}\n  - end: 2\n")
write("mark.yaml", "events:\n  - beginning:\n      web: 1\n  - moment:\n      time: 1\n      mark: \""
      + "x" * (1024 * 1024) + "\"\n  - end: 2\n")
lines = ["events:", "  - beginning:", "      web: 1", "  - moment:", "      time: 0", "      mark: &m \"" + "y" * 2048 + "\""]
for i in range(40000):
    lines += ["  - moment:", "      time: %d" % (i + 1), "      mark: *m"]
lines.append("  - end: %d" % 40002)
write("aliases.yaml", "\n".join(lines) + "\n")

compose = "services:\n" + "".join("  %s:\n    image: reprise/hello:latest\n" % s
                                  for s in sorted(set(services + big + nine + ["web"])))
write("docker-compose.yml", compose)
PY

# run NAME ARGS...: prints "wall user+sys rss_mb exit out_bytes" of the best of $reps runs
run_once() {
  local tv="$out/time.txt" o="$out/stdout"
  set +e
  timeout "$timeout_s" /usr/bin/time -v -o "$tv" "${master_cmd[@]}" "$@" >"$o" 2>"$out/stderr"
  local rc=$?
  set -e
  if [[ $rc == 124 ]] || ! grep -q "Elapsed" "$tv"; then echo "timeout - - $rc -"; return; fi
  awk -v rc="$rc" -v bytes="$(stat -c %s "$o")" -F': ' '
    /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {r=$2}
    /Elapsed/ {n=split($2, p, ":"); w=0; for (i=1; i<=n; i++) w = w*60 + p[i]}
    END {printf "%.2f %.2f %d %d %d\n", w, u+s, r/1024, rc, bytes}' "$tv"
}
best_of() {
  local reps=$1; shift
  local best="" line
  for ((i = 0; i < reps; i++)); do
    line="$(run_once "$@")"
    if [[ -z "$best" ]] || [[ "${line%% *}" != timeout && ( "${best%% *}" == timeout || $(awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{print (a<b)}') == 1 ) ]]; then best="$line"; fi
  done
  echo "$best"
}
row() { # label file-size reps args...
  local label=$1 size=$2 reps=$3; shift 3
  read -r wall cpu rss rc bytes <<<"$(best_of "$reps" "$@")"
  printf "%-28s %9s %8s %8s %8s %5s %11s\n" "$label" "$size" "$wall" "$cpu" "$rss" "$rc" "$bytes"
  if [[ "$rc" != 0 && "$rc" != 2 ]]; then sed -n '1,3p' "$out/stderr" | cut -c1-200 | sed 's/^/    /'; fi
  if [[ "$rc" == 2 ]]; then head -c 300 "$out/stderr" | head -n 2 | sed 's/^/    /'; fi
}
kb() { echo "$(( $(stat -c %s "$1") / 1024 ))K"; }

echo "jar: $jar   java options: ${java_opts:-(none)}   best of $repeat   $(date -u +%FT%TZ)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-28s %9s %8s %8s %8s %5s %11s\n" "command" "input" "wall s" "cpu s" "rss MB" "exit" "out bytes"
row "master --version" - "$repeat" --version
if [[ "${ONLY:-}" != small ]]; then
  for n in 1000 10000 100000; do
    f="$out/moments-$n.yaml"
    row "validate moments-$n" "$(kb "$f")" "$repeat" validate "$f"
    row "plan --json moments-$n" "$(kb "$f")" "$repeat" plan --json "$f"
  done
fi
if [[ "${ONLY:-}" != moments ]]; then
  for f in alive-1000 alive-5000 alive-20000 starts specific mark aliases; do
    row "validate $f" "$(kb "$out/$f.yaml")" 1 validate "$out/$f.yaml"
    row "plan --json $f" "$(kb "$out/$f.yaml")" 1 plan --json "$out/$f.yaml"
  done
fi
