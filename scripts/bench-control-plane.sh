#!/usr/bin/env bash
# Control-plane benchmark on the local engine, as users run it: `master serve` (the shipped jar) on
# port 0 against a stack this script deploys itself (stack $BENCH_STACK, default "cpbench":
# reprise/hello, max(CONCURRENT, 3) replicas, restart_policy any so Swarm replaces what KILL kills).
# Prints:
#   - request -> fault in effect, p50/p99/max (N_KILL KILL requests, N_CPU CPU_SPIKE requests, one at a time):
#       KILL: from sending POST /api/v1/chaos/experiments to the targeted container no longer running
#             (docker inspect of the impactedNodes podName, polled), and to its `die` event (docker events);
#       CPU_SPIKE: from sending the POST to a burner of the experiment's run visible in /proc;
#   - the server's RSS (VmRSS) at idle and with CONCURRENT experiments running at once (PAUSE, one
#     container each, 600 s TTL, rolled back with DELETE once measured), and the agent processes' RSS
#     separately (every java process descended from the server).
# With the defaults it takes about 5-10 minutes on a busy 2-core machine (each experiment's run arms
# in a few seconds: an agent process, pre-flight, clock measurement). Every phase has a bound in
# seconds; on a timeout the script says which condition it waited for and cleans up.
# Needs root, Docker, python3 and reprise/hello:latest (scripts/build-images.sh hello).
# Usage: scripts/bench-control-plane.sh [N_KILL] [N_CPU] [CONCURRENT]     (defaults: 20, 10, 20)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
N_KILL="${1:-20}"
N_CPU="${2:-10}"
CONCURRENT="${3:-20}"
STACK="${BENCH_STACK:-cpbench}"
REPLICAS=$(( CONCURRENT > 3 ? CONCURRENT : 3 ))
# MASTER_JAR: another build of the master (agent-all.jar beside it is used for the agents).
JAR="${MASTER_JAR:-$root/master-controller/target/master-all.jar}"
[ -f "$JAR" ] || ./mvnw -B -q -o -pl master-controller -am package -DskipTests >/dev/null
work="$(mktemp -d /tmp/cpbench.XXXXXX)"
server_pid=""
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] && [ -s "$work/server.err" ]; then echo "--- the server's stderr (last 30 lines):"; tail -30 "$work/server.err"; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; for _ in $(seq 1 120); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid"
  fi
  docker stack rm "$STACK" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/compose.yml" <<YAML
version: "3.7"
services:
  hello:
    image: reprise/hello:latest
    environment:
      HELLO_INTERVAL: "1"
    deploy:
      replicas: $REPLICAS
      endpoint_mode: dnsrr
      restart_policy:
        condition: any
        delay: 1s
YAML
docker stack deploy -c "$work/compose.yml" "$STACK" >/dev/null
java -jar "$JAR" serve --port 0 --state-dir "$work/state" --out "$work/runs" --catalog none \
  > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
for _ in $(seq 1 120); do [ -s "$work/server.out" ] && break; sleep 0.5; done
url="$(head -1 "$work/server.out")"
[ -n "$url" ] || { echo "the server did not start:"; cat "$work/server.err"; exit 1; }
echo "server $url (pid $server_pid), java $(java -version 2>&1 | head -1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); stack $STACK x $REPLICAS; N_KILL=$N_KILL N_CPU=$N_CPU CONCURRENT=$CONCURRENT"
python3 - "$url" "$work/state/token" "$N_KILL" "$N_CPU" "$CONCURRENT" "$REPLICAS" "$server_pid" "$STACK" <<'PY'
import json, os, subprocess, sys, threading, time, urllib.request, urllib.error
url, token_file = sys.argv[1], sys.argv[2]
n_kill, n_cpu, concurrent, replicas, server_pid = (int(x) for x in sys.argv[3:8])
stack = sys.argv[8]
service = stack + "_hello"
phase_started = time.time()
def phase(name):
    global phase_started
    now = time.time(); print(f"  [{name} done in {now - phase_started:.0f} s]", flush=True); phase_started = now
token = open(token_file).read().strip()
H = {"Authorization": "Bearer " + token}

def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method, headers=dict(H, **({"Content-Type": "application/json"} if body else {})))
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")

def running():
    out = subprocess.run(["docker", "ps", "-q", "--filter", "label=com.docker.stack.namespace=" + stack], capture_output=True, text=True).stdout
    return len(out.split())

def wait(cond, bound, what):
    end = time.time() + bound
    while time.time() < end:
        v = cond()
        if v: return v
        time.sleep(0.02)
    raise SystemExit("timeout: " + what)

def pct(xs, p):
    xs = sorted(xs); k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1)); return xs[k]

def summary(name, xs):
    if not xs: return
    print(f"{name}: n={len(xs)} p50={pct(xs,50)*1000:.0f} ms p99={pct(xs,99)*1000:.0f} ms max={max(xs)*1000:.0f} ms")

def rss_kb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"): return int(line.split()[1])
    except OSError: pass
    return 0

def java_descendants(pid):
    parent = {}
    for d in os.listdir("/proc"):
        if not d.isdigit(): continue
        try:
            st = open(f"/proc/{d}/stat").read()
            parent[int(d)] = int(st[st.rindex(")") + 2:].split()[1])
        except OSError: pass
    out = []
    for p in parent:
        q = parent.get(p)
        while q and q != pid: q = parent.get(q)
        if q == pid:
            try:
                if b"java" in open(f"/proc/{p}/cmdline", "rb").read().split(b"\0")[0]: out.append(p)
            except OSError: pass
    return out

def burners(run_id):
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit(): continue
        try: cmd = open(f"/proc/{d}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
        except OSError: continue
        if "reprise-burner/" + run_id in cmd: found.append(d)
    return found

wait(lambda: running() >= replicas, 300, "replicas running")
phase("deploy")
idle_server = rss_kb(server_pid)
print(f"server RSS idle at start: {idle_server/1024:.0f} MiB", flush=True)

# docker events for die instants
die = {}
ev = subprocess.Popen(["docker", "events", "--format", "{{.TimeNano}} {{.Actor.Attributes.name}}", "--filter", "event=die",
                       "--filter", "label=com.docker.stack.namespace=" + stack], stdout=subprocess.PIPE, text=True)
def reader():
    for line in ev.stdout:
        t, name = line.split(" ", 1); die[name.strip()] = int(t) / 1e9
threading.Thread(target=reader, daemon=True).start()

kill_gone, kill_die, cpu = [], [], []
for i in range(n_kill):
    wait(lambda: running() >= replicas, 120, "replicas back")
    t0 = time.time()
    code, st = call("POST", "/api/v1/chaos/experiments", {"experimentId": f"bk-{i}", "targetService": service, "action": "KILL", "durationSeconds": 3})
    if code != 202: raise SystemExit(f"KILL {i}: {code} {st}")
    def pod():
        c, s = call("GET", f"/api/v1/chaos/experiments/bk-{i}/status")
        names = [x.get("podName") for x in s.get("impactedNodes", []) if x.get("podName")]
        return names[0] if names else None
    name = wait(pod, 120, "podName")
    def gone():
        r = subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", name], capture_output=True, text=True)
        return r.returncode != 0 or r.stdout.strip() == "false"
    wait(gone, 120, "container gone")
    kill_gone.append(time.time() - t0)
    wait(lambda: name in die, 30, "die event")
    kill_die.append(die[name] - t0)
summary("KILL request -> container not running (docker inspect, polled)", kill_gone)
summary("KILL request -> die event (engine's timestamp)", kill_die)
phase("KILL")

for i in range(n_cpu):
    t0 = time.time()
    code, st = call("POST", "/api/v1/chaos/experiments", {"experimentId": f"bc-{i}", "targetService": service, "action": "CPU_SPIKE",
                                                          "parameters": {"cores": 1}, "durationSeconds": 2})
    if code != 202: raise SystemExit(f"CPU {i}: {code} {st}")
    def run_id():
        c, s = call("GET", f"/api/v1/chaos/experiments/bc-{i}/status"); return s.get("runId")
    rid = wait(run_id, 120, "runId")
    wait(lambda: burners(rid), 120, "burner visible")
    cpu.append(time.time() - t0)
    wait(lambda: call("GET", f"/api/v1/chaos/experiments/bc-{i}/status")[1]["status"] in ("ROLLED_BACK", "ABORTED", "FAILED"), 120, "cpu healed")
summary("CPU_SPIKE request -> burner visible (/proc)", cpu)
phase("CPU_SPIKE")

wait(lambda: all(s["status"] in ("ROLLED_BACK", "ABORTED", "FAILED") for s in call("GET", "/api/v1/chaos/experiments")[1]), 180, "all final")
wait(lambda: running() >= replicas, 120, "replicas back")
idle_after = rss_kb(server_pid)
for i in range(concurrent):
    code, st = call("POST", "/api/v1/chaos/experiments", {"experimentId": f"bp-{i}", "targetService": service, "action": "PAUSE",
                                                          "parameters": {"targetCount": 1}, "durationSeconds": 600})
    if code != 202: raise SystemExit(f"PAUSE {i}: {code} {st}")
def paused_running():
    return sum(1 for s in call("GET", "/api/v1/chaos/experiments")[1] if s["experimentId"].startswith("bp-") and s["status"] == "RUNNING")
def paused_states():
    states = {}
    for s in call("GET", "/api/v1/chaos/experiments")[1]:
        if s["experimentId"].startswith("bp-"): states[s["status"]] = states.get(s["status"], 0) + 1
    return states
# every one armed (RUNNING) or given up (FAILED/ABORTED: say so), none still INJECTED
wait(lambda: paused_states().get("INJECTED", 0) == 0, 420, f"{concurrent} PAUSE experiments out of INJECTED")
states = paused_states()
busy = rss_kb(server_pid)
print(f"{concurrent} concurrent PAUSE experiments: {states}", flush=True)
for s in call("GET", "/api/v1/chaos/experiments")[1]:
    if s["experimentId"].startswith("bp-") and s["status"] != "RUNNING": print(f"  {s['experimentId']} {s['status']}: {s.get('message')}")
agents = [(p, rss_kb(p)) for p in java_descendants(server_pid)]
print(f"server RSS: idle at start {idle_server/1024:.0f} MiB, idle after {n_kill + n_cpu} experiments {idle_after/1024:.0f} MiB, "
      f"with {concurrent} concurrent experiments {busy/1024:.0f} MiB")
if agents:
    tot = sum(r for _, r in agents)
    print(f"agent processes (java descendants of the server): {len(agents)}, RSS total {tot/1024:.0f} MiB, "
          f"mean {tot/len(agents)/1024:.0f} MiB, max {max(r for _, r in agents)/1024:.0f} MiB")
rollbacks = [threading.Thread(target=call, args=("DELETE", f"/api/v1/chaos/experiments/bp-{i}")) for i in range(concurrent)]
for t in rollbacks: t.start()
for t in rollbacks: t.join()
def paused_containers():
    out = subprocess.run(["docker", "ps", "-q", "--filter", "status=paused", "--filter", "label=com.docker.stack.namespace=" + stack],
                         capture_output=True, text=True).stdout
    return len(out.split())
wait(lambda: paused_containers() == 0, 120, "no paused container left")
phase(f"{concurrent} concurrent")
ev.terminate()
PY
