#!/usr/bin/env python3
"""Writes a synthetic run folder for the export benchmark (scripts/bench-export.sh), in the layout
`master run` writes (run.json, timeline.jsonl, containers.jsonl, container-events.jsonl, stats.jsonl,
host-stats.jsonl, logs/<service>.<id>.jsonl; see dashboard-export/src/test/resources/runs/make_runs.py).

CONTAINERS containers (one traffic client `client.0` writing one traffic-generator JSON line per
second, the others `web.N` writing LOG_RATE lines a second), over MINUTES minutes on 3 hosts; one
stats sample per container and one host sample per host per second; every 60 s a kill of one web
container and its restart 10 s later, every 90 s a cpu fault of 20 s, a mark every 30 s.
Usage: gen-run.py DIR CONTAINERS MINUTES [LOG_RATE]   (deterministic: same arguments, same bytes)
"""
import json, os, shutil, sys
from datetime import datetime, timedelta, timezone

out, n_cont, minutes = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
log_rate = int(sys.argv[4]) if len(sys.argv) > 4 else 5
T0 = datetime(2026, 11, 23, 10, 0, 0, tzinfo=timezone.utc)
HOSTS = ["node-1", "node-2", "node-3"]
end = int(minutes * 60)
webs = n_cont - 1

def ts(sec):
    return (T0 + timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"

def cid(s, i):
    return (("%s%04d" % ("we" if s == "web" else "c1", i)) * 11)[:64]

def host_of(s, i):
    return HOSTS[i % len(HOSTS)] if s == "web" else HOSTS[0]

def line(r):
    return json.dumps({k: v for k, v in r.items() if v is not None}, separators=(",", ":")) + "\n"

if os.path.exists(out):
    shutil.rmtree(out)
os.makedirs(out + "/logs")
actions, alive, timeline, events = [], [], [], []
alive_now = {"web": list(range(webs)), "client": [0]}
alive.append({"moment": -1, "offsetMillis": 0, "alive": json.loads(json.dumps(alive_now))})
down = {}  # web id -> (kill sec, start sec)
moment = seq = 0
cpu_faults = []
for sec in range(5, end, 5):
    acts = []
    if sec % 30 == 0:
        acts.append({"action": "mark", "text": "m%d" % sec})
    if sec % 60 == 0 and webs > 1:
        victim = (sec // 60) % webs
        acts.append({"action": "fault", "service": "web", "ids": [victim], "fault": {"type": "kill"}})
        down[victim] = (sec, sec + 10)
        alive_now["web"].remove(victim)
    if sec % 60 == 10 and webs > 1:
        victim = ((sec - 10) // 60) % webs
        if victim in down:
            acts.append({"action": "start", "service": "web", "ids": [victim]})
            alive_now["web"].append(victim)
            alive_now["web"].sort()
    if sec % 90 == 45 and webs > 0:
        target = (sec // 90 + 1) % webs
        acts.append({"action": "fault", "service": "web", "ids": [target], "fault": {"type": "cpu", "durationMillis": 20000, "cores": 1}})
        cpu_faults.append((target, sec, sec + 20))
    if not acts:
        continue
    for a in acts:
        a.update({"seq": seq, "moment": moment, "offsetMillis": sec * 1000})
        actions.append(a)
        h = host_of("web", a["ids"][0]) if "ids" in a else HOSTS[0]
        rec = {"kind": "mark" if a["action"] == "mark" else "action", "seq": seq, "planned": ts(sec), "actual": ts(sec + 0.0021),
               "host": h, "outcome": "ok"}
        if a["action"] == "mark":
            rec["text"] = a["text"]
        else:
            rec.update({"action": a["action"], "service": "web", "ids": a["ids"], "containers": [cid("web", a["ids"][0])]})
            if a["action"] == "fault":
                rec["fault"] = a["fault"]["type"]
                rec["label"] = "kill" if a["fault"]["type"] == "kill" else "cpu x1 20s"
        timeline.append(rec)
        if a["action"] == "fault" and a["fault"]["type"] == "cpu":
            timeline.append({"kind": "heal", "seq": seq, "fault": "cpu", "service": "web", "ids": a["ids"],
                             "containers": [cid("web", a["ids"][0])], "actual": ts(sec + 20.01), "host": h, "outcome": "ok"})
        if a["action"] == "fault" and a["fault"]["type"] == "kill":
            i = a["ids"][0]
            events.append({"time": ts(sec + 0.004), "event": "kill", "container": cid("web", i), "service": "web", "id": i, "host": h, "signal": "9"})
            events.append({"time": ts(sec + 0.05), "event": "die", "container": cid("web", i), "service": "web", "id": i, "host": h, "exit_code": 137})
        if a["action"] == "start":
            i = a["ids"][0]
            events.append({"time": ts(sec + 0.8), "event": "start", "container": cid("web", i), "service": "web", "id": i, "host": h})
        seq += 1
    alive.append({"moment": moment, "offsetMillis": sec * 1000, "alive": json.loads(json.dumps(alive_now))})
    moment += 1
timeline.sort(key=lambda r: r["actual"])
plan = {"seed": 42, "endMillis": end * 1000, "beginning": {"web": webs, "client": 1}, "actions": actions, "alive": alive}
run = {"format": 1, "name": "bench", "run_id": "bench-20261123T100000Z", "tool_version": "0.1.0-SNAPSHOT",
       "scenario": {"path": "scenario.yaml", "sha256": "0" * 64, "content": "environment:\n  seed: 42\nevents: []\n"},
       "compose": {"path": "docker-compose.yml", "sha256": "1" * 64, "content": "services: {}\n"},
       "seed": 42, "plan": plan,
       "hosts": [{"name": h, "node": "n%d" % (k + 1), "docker_version": "20.10.24", "kernel": "6.1.0", "cores": 2,
                  "mem_bytes": 25769803776, "clock_offset_millis": 0.0} for k, h in enumerate(HOSTS)],
       "t0": ts(0), "start": ts(-15), "end": ts(end), "outcome": "ok"}
with open(out + "/run.json", "w") as f:
    json.dump(run, f, indent=2)
    f.write("\n")
conts = [("web", i) for i in range(webs)] + [("client", 0)]
with open(out + "/containers.jsonl", "w") as f:
    for s, i in conts:
        f.write(line({"container": cid(s, i), "service": s, "id": i, "slot": i + 1, "node": "n1", "host": host_of(s, i),
                      "image": "reprise/" + s + ":1", "created": ts(-12)}))
events += [{"time": ts(-10 + 0.01 * k), "event": "start", "container": cid(s, i), "service": s, "id": i, "host": host_of(s, i)}
           for k, (s, i) in enumerate(conts)]
events.sort(key=lambda e: e["time"])
with open(out + "/container-events.jsonl", "w") as f:
    f.writelines(line(e) for e in events)
with open(out + "/timeline.jsonl", "w") as f:
    f.writelines(line(r) for r in timeline)

with open(out + "/stats.jsonl", "w") as st, open(out + "/host-stats.jsonl", "w") as hs:
    for sec in range(0, end + 1):
        for s, i in conts:
            cpu = 20.0 + (i % 7) * 3 + (sec % 5)
            if any(t == i and a <= sec < b for t, a, b in cpu_faults):
                cpu += 100.0
            st.write(line({"time": ts(sec + 0.2 + 0.001 * i), "service": s, "id": i, "container": cid(s, i), "host": host_of(s, i),
                           "cpu_percent": cpu, "mem_bytes": (300 + i + sec % 50) * 1048576, "mem_limit_bytes": 2 * 1024 ** 3,
                           "net_rx_bytes": (sec + 1) * (40000 + 100 * i), "net_tx_bytes": (sec + 1) * (30000 + 50 * i),
                           "blk_read_bytes": 0, "blk_write_bytes": sec * 4096}))
        for k, h in enumerate(HOSTS):
            hs.write(line({"time": ts(sec + 0.5), "host": h, "cpu_percent": 40.0 + sec % 10, "cores": 2,
                           "mem_total_bytes": 25769803776, "mem_available_bytes": 20000000000 - sec * 1000,
                           "net_rx_bytes": 10 ** 9 + sec * 200000, "net_tx_bytes": 10 ** 9 + sec * 150000,
                           "disk_read_bytes": 5 * 10 ** 8, "disk_write_bytes": 5 * 10 ** 8 + sec * 40960, "load1": 1.5}))
with open(out + "/logs/client.0.jsonl", "w") as f:
    for sec in range(1, end + 1):
        ok = 500 - (200 if any(a <= sec < a + 5 for a in range(60, end, 60)) else 0)
        tl = json.dumps({"type": "traffic", "time": ts(sec), "interval_ms": 1000, "ops_ok": ok, "ops": {"read": ok // 2, "write": ok - ok // 2},
                         "errors": {"timeout": 500 - ok, "unavailable": 0, "no_host": 0, "other": 0},
                         "latency_ms": {"p50": 1.2, "p95": 3.0, "p99": 8.0, "max": 12.0}, "in_flight": 3, "open_connections": 2},
                        separators=(",", ":"))
        f.write(line({"time": ts(sec + 0.0015), "service": "client", "id": 0, "container": cid("client", 0), "stream": "stdout", "line": tl}))
for i in range(webs):
    with open(out + "/logs/web.%d.jsonl" % i, "w") as f:
        for sec in range(0, end):
            if i in down and down[i][0] <= sec < down[i][1]:
                continue
            for k in range(log_rate):
                f.write(line({"time": ts(sec + k / log_rate + 0.0003 * i), "service": "web", "id": i, "container": cid("web", i),
                              "stream": "stdout" if k % 4 else "stderr",
                              "line": "INFO  [req-%d] GET /api/v1/items/%d 200 %d ms user=u%d" % (sec * log_rate + k, k, 3 + k % 17, i)}))
