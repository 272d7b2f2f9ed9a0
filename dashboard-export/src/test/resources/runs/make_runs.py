#!/usr/bin/env python3
"""Writes the small run-folder fixtures used by dashboard-export's tests (deterministic, no randomness).

fault-run:    60 s, cassandra x3 + one traffic client; mark at 5 s, kill cassandra[2] at 20 s,
              cpu x1 10s on cassandra[0] at 35 s (healed at 45.02 s), start cassandra[3] at 45 s.
baseline-run: the same without the faults (mark only), steady traffic.
Run from this folder: python3 make_runs.py
"""
import json, os, shutil
from datetime import datetime, timedelta, timezone

T0 = datetime(2026, 11, 23, 10, 0, 0, tzinfo=timezone.utc)
HOST = "node-1"

def ts(sec):
    return (T0 + timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"

def cid(service, i):
    base = {"cassandra": "ca", "client": "c1"}[service]
    return (base + "%02d" % i) * 16

def plan(faults):
    actions = [{"action": "mark", "seq": 0, "moment": 0, "offsetMillis": 5000, "text": "warm"}]
    alive = [{"moment": -1, "offsetMillis": 0, "alive": {"cassandra": [0, 1, 2], "client": [0]}},
             {"moment": 0, "offsetMillis": 5000, "alive": {"cassandra": [0, 1, 2], "client": [0]}}]
    if faults:
        actions += [
            {"action": "fault", "seq": 1, "moment": 1, "offsetMillis": 20000, "service": "cassandra", "ids": [2],
             "fault": {"type": "kill"}},
            {"action": "fault", "seq": 2, "moment": 2, "offsetMillis": 35000, "service": "cassandra", "ids": [0],
             "fault": {"type": "cpu", "durationMillis": 10000, "cores": 1}},
            {"action": "start", "seq": 3, "moment": 3, "offsetMillis": 45000, "service": "cassandra", "ids": [3]},
        ]
        alive += [
            {"moment": 1, "offsetMillis": 20000, "alive": {"cassandra": [0, 1], "client": [0]}},
            {"moment": 2, "offsetMillis": 35000, "alive": {"cassandra": [0, 1], "client": [0]}},
            {"moment": 3, "offsetMillis": 45000, "alive": {"cassandra": [0, 1, 3], "client": [0]}},
        ]
    return {"seed": 42, "endMillis": 60000, "beginning": {"cassandra": 3, "client": 1}, "actions": actions,
            "alive": alive}

def write_lines(path, records):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps({k: v for k, v in r.items() if v is not None}, separators=(",", ":")) + "\n")

def traffic(sec, ok, timeout, p50, p99):
    return json.dumps({"type": "traffic", "time": ts(sec), "interval_ms": 1000, "ops_ok": ok,
                       "ops": {"read": ok // 2, "write": ok - ok // 2},
                       "errors": {"timeout": timeout, "unavailable": 0, "no_host": 0, "other": 0},
                       "latency_ms": {"p50": p50, "p95": round(p50 * 2.5, 1), "p99": p99, "max": p99 * 1.5},
                       "in_flight": 3, "open_connections": 2}, separators=(",", ":"))

def make(name, faults):
    if os.path.exists(name):
        shutil.rmtree(name)
    os.makedirs(name + "/logs")
    run = {"format": 1, "name": name, "run_id": name + "-20261123T100000Z", "tool_version": "0.1.0-SNAPSHOT",
           "scenario": {"path": "scenario.yaml", "sha256": "0" * 64,
                        "content": "environment:\n  seed: 42\nevents: []\n"},
           "compose": {"path": "docker-compose.yml", "sha256": "1" * 64, "content": "services: {}\n"},
           "seed": 42, "plan": plan(faults),
           "hosts": [{"name": HOST, "node": "n1", "docker_version": "20.10.24", "kernel": "6.1.0", "cores": 2,
                      "mem_bytes": 25769803776, "ntp_server": None, "clock_offset_millis": 0.0}],
           "t0": ts(0), "start": ts(-15), "end": ts(60), "outcome": "ok"}
    with open(name + "/run.json", "w") as f:
        json.dump({k: v for k, v in run.items() if v is not None}, f, indent=2)
        f.write("\n")
    containers = [("cassandra", 0), ("cassandra", 1), ("cassandra", 2), ("client", 0)]
    if faults:
        containers.append(("cassandra", 3))
    write_lines(name + "/containers.jsonl", [
        {"container": cid(s, i), "service": s, "id": i, "slot": i + 1, "node": "n1", "host": HOST,
         "image": "reprise/" + s + ":1", "created": ts(45.5 if i == 3 else -12)} for s, i in containers])
    events = [{"time": ts(-10 + 0.1 * n), "event": "start", "container": cid(s, i), "service": s, "id": i,
               "host": HOST} for n, (s, i) in enumerate(containers) if i != 3]
    timeline = [{"kind": "mark", "seq": 0, "planned": ts(5), "actual": ts(5.0012), "host": HOST, "outcome": "ok",
                 "text": "warm"}]
    if faults:
        events += [
            {"time": ts(20.004), "event": "kill", "container": cid("cassandra", 2), "service": "cassandra", "id": 2,
             "host": HOST, "signal": "9"},
            {"time": ts(20.051), "event": "die", "container": cid("cassandra", 2), "service": "cassandra", "id": 2,
             "host": HOST, "exit_code": 137},
            {"time": ts(45.8), "event": "start", "container": cid("cassandra", 3), "service": "cassandra", "id": 3,
             "host": HOST},
        ]
        timeline += [
            {"kind": "action", "seq": 1, "action": "fault", "fault": "kill", "label": "kill", "service": "cassandra",
             "ids": [2], "containers": [cid("cassandra", 2)], "planned": ts(20), "actual": ts(20.0031),
             "host": HOST, "outcome": "ok"},
            {"kind": "action", "seq": 2, "action": "fault", "fault": "cpu", "label": "cpu x1 10s",
             "service": "cassandra", "ids": [0], "containers": [cid("cassandra", 0)], "planned": ts(35),
             "actual": ts(35.0024), "host": HOST, "outcome": "ok"},
            {"kind": "heal", "seq": 2, "fault": "cpu", "service": "cassandra", "ids": [0],
             "containers": [cid("cassandra", 0)], "actual": ts(45.02), "host": HOST, "outcome": "ok"},
            {"kind": "action", "seq": 3, "action": "start", "service": "cassandra", "ids": [3],
             "containers": [cid("cassandra", 3)], "planned": ts(45), "actual": ts(45.0405), "host": HOST,
             "outcome": "ok"},
        ]
    events.sort(key=lambda e: e["time"])
    write_lines(name + "/container-events.jsonl", events)
    write_lines(name + "/timeline.jsonl", timeline)
    stats, hosts = [], []
    for sec in range(0, 61):
        busy = 0.0
        for s, i in containers:
            if faults and s == "cassandra" and ((i == 2 and sec > 20) or (i == 3 and sec < 46)):
                continue
            cpu = 20.0 + 5 * i + (sec % 5)
            if faults and s == "cassandra" and i == 0 and 35 <= sec < 45:
                cpu += 100.0
            if s == "client":
                cpu = 35.0 + (sec % 3)
            busy += cpu
            mem = (600 + 10 * i + sec) * 1024 * 1024 if s == "cassandra" else 150 * 1024 * 1024
            start = 46 if i == 3 else 0
            stats.append({"time": ts(sec + 0.2 + 0.01 * i), "service": s, "id": i, "container": cid(s, i),
                          "host": HOST, "cpu_percent": cpu, "mem_bytes": mem, "mem_limit_bytes": 2 * 1024 ** 3,
                          "net_rx_bytes": (sec - start + 1) * (40000 + 1000 * i),
                          "net_tx_bytes": (sec - start + 1) * (30000 + 500 * i),
                          "blk_read_bytes": 0, "blk_write_bytes": (sec - start) * 4096})
        hosts.append({"time": ts(sec + 0.5), "host": HOST, "cpu_percent": min(100.0, busy / 2), "cores": 2,
                      "mem_total_bytes": 25769803776, "mem_available_bytes": 20000000000 - sec * 1000000,
                      "net_rx_bytes": 10 ** 9 + sec * 200000, "net_tx_bytes": 10 ** 9 + sec * 150000,
                      "disk_read_bytes": 5 * 10 ** 8, "disk_write_bytes": 5 * 10 ** 8 + sec * 40960, "load1": 1.5})
    write_lines(name + "/stats.jsonl", stats)
    write_lines(name + "/host-stats.jsonl", hosts)
    # the client: one traffic line per second, for the second that just ended
    client = [{"time": ts(-0.5), "service": "client", "id": 0, "container": cid("client", 0), "stream": "stderr",
               "line": "traffic-gen: connected to cassandra, 2 connections"}]
    for sec in range(1, 61):
        ok, timeout, p50, p99 = 500, 0, 1.2, 8.0
        if faults and 21 <= sec <= 25:      # seconds 20..24 after the kill
            ok, timeout, p50, p99 = 200, 30, 4.0, 250.0
        if faults and 36 <= sec <= 45:      # seconds 35..44: cpu fault
            ok, timeout, p50, p99 = 350, 0, 2.5, 30.0
        client.append({"time": ts(sec + 0.0015), "service": "client", "id": 0, "container": cid("client", 0),
                       "stream": "stdout", "line": traffic(sec, ok, timeout, p50, p99)})
    write_lines(name + "/logs/client.0.jsonl", client)
    for i in ([0, 1, 2, 3] if faults else [0, 1, 2]):
        start = 46 if i == 3 else -9
        lines = [{"time": ts(start + 0.3), "service": "cassandra", "id": i, "container": cid("cassandra", i),
                  "stream": "stdout", "line": "INFO  [main] StorageService.java: Node /10.0.0.%d state jump to NORMAL" % (i + 2)}]
        if faults and i in (0, 1):
            lines.append({"time": ts(20.5 + i * 0.01), "service": "cassandra", "id": i,
                          "container": cid("cassandra", i), "stream": "stdout",
                          "line": "INFO  [GossipStage:1] Gossiper.java: InetAddress /10.0.0.4 is now DOWN"})
        if i == 1:
            lines.append({"time": ts(50.0), "service": "cassandra", "id": i, "container": cid("cassandra", i),
                          "stream": "stderr", "line": "WARN  <script>alert('x')</script> & compaction slow"})
        write_lines(name + "/logs/cassandra.%d.jsonl" % i, lines)

make("fault-run", True)
make("baseline-run", False)
