#!/usr/bin/env python3
"""Writes a synthetic run folder for the export benchmark: SECONDS long, SERVERS server containers and
CLIENTS traffic clients on HOSTS hosts, one stats sample per container per second, LOG_LINES log lines
per server, one traffic line per client per second, a kill or cpu fault every 30 s.
Usage: make-big-run.py OUT_DIR [SECONDS=600] [SERVERS=16] [CLIENTS=4] [LOG_LINES=5000]"""
import json, os, sys
from datetime import datetime, timedelta, timezone

out = sys.argv[1]
SECONDS = int(sys.argv[2]) if len(sys.argv) > 2 else 600
SERVERS = int(sys.argv[3]) if len(sys.argv) > 3 else 16
CLIENTS = int(sys.argv[4]) if len(sys.argv) > 4 else 4
LOG_LINES = int(sys.argv[5]) if len(sys.argv) > 5 else 5000
HOSTS = 3
T0 = datetime(2026, 11, 23, 10, 0, 0, tzinfo=timezone.utc)

def ts(s):
    return (T0 + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"

def cid(svc, i):
    return ("%s%04d" % ("aa" if svc == "db" else "bb", i)) * 10 + "0000"

os.makedirs(out + "/logs", exist_ok=True)
containers = [("db", i) for i in range(SERVERS)] + [("client", i) for i in range(CLIENTS)]
host = lambda n: "host-%d" % (n % HOSTS)
with open(out + "/run.json", "w") as f:
    json.dump({"format": 1, "name": "bench", "run_id": "bench-1", "t0": ts(0), "start": ts(-20),
               "end": ts(SECONDS), "outcome": "ok", "seed": 1}, f)
with open(out + "/containers.jsonl", "w") as f:
    for n, (s, i) in enumerate(containers):
        f.write(json.dumps({"container": cid(s, i), "service": s, "id": i, "slot": i + 1, "host": host(n),
                            "created": ts(-15)}) + "\n")
killed = {}
with open(out + "/timeline.jsonl", "w") as tl, open(out + "/container-events.jsonl", "w") as ev:
    for n, (s, i) in enumerate(containers):
        ev.write(json.dumps({"time": ts(-10), "event": "start", "container": cid(s, i), "service": s, "id": i,
                             "host": host(n)}) + "\n")
    seq = 0
    for at in range(30, SECONDS, 30):
        victim = seq % SERVERS
        if seq % 2 == 0 and victim not in killed:
            killed[victim] = at
            tl.write(json.dumps({"kind": "action", "seq": seq, "action": "fault", "fault": "kill", "label": "kill",
                                 "service": "db", "ids": [victim], "containers": [cid("db", victim)],
                                 "planned": ts(at), "actual": ts(at + 0.003), "host": host(victim),
                                 "outcome": "ok"}) + "\n")
            ev.write(json.dumps({"time": ts(at + 0.05), "event": "die", "container": cid("db", victim),
                                 "service": "db", "id": victim, "host": host(victim), "exit_code": 137}) + "\n")
        else:
            tl.write(json.dumps({"kind": "action", "seq": seq, "action": "fault", "fault": "cpu",
                                 "label": "cpu x1 10s", "service": "db", "ids": [victim],
                                 "containers": [cid("db", victim)], "planned": ts(at), "actual": ts(at + 0.002),
                                 "host": host(victim), "outcome": "ok"}) + "\n")
            tl.write(json.dumps({"kind": "heal", "seq": seq, "fault": "cpu", "actual": ts(at + 10.01),
                                 "host": host(victim), "outcome": "ok"}) + "\n")
        seq += 1
with open(out + "/stats.jsonl", "w") as f:
    for sec in range(SECONDS + 1):
        for n, (s, i) in enumerate(containers):
            if s == "db" and i in killed and sec > killed[i]:
                continue
            f.write(json.dumps({"time": ts(sec + 0.01 * n), "service": s, "id": i, "container": cid(s, i),
                                "host": host(n), "cpu_percent": 20.0 + (sec * 7 + n) % 30,
                                "mem_bytes": (500 + sec) * 1048576, "mem_limit_bytes": 4 * 1024 ** 3,
                                "net_rx_bytes": sec * 50000, "net_tx_bytes": sec * 40000,
                                "blk_read_bytes": 0, "blk_write_bytes": sec * 8192}) + "\n")
with open(out + "/host-stats.jsonl", "w") as f:
    for sec in range(SECONDS + 1):
        for h in range(HOSTS):
            f.write(json.dumps({"time": ts(sec + 0.5), "host": "host-%d" % h, "cpu_percent": 40.0, "cores": 8,
                                "mem_total_bytes": 32 * 1024 ** 3, "mem_available_bytes": 20 * 1024 ** 3,
                                "net_rx_bytes": sec * 10 ** 6, "net_tx_bytes": sec * 10 ** 6,
                                "disk_read_bytes": 0, "disk_write_bytes": sec * 10 ** 5, "load1": 2.0}) + "\n")
for n, (s, i) in enumerate(containers):
    with open(out + "/logs/%s.%d.jsonl" % (s, i), "w") as f:
        if s == "client":
            for sec in range(1, SECONDS + 1):
                line = json.dumps({"type": "traffic", "time": ts(sec), "interval_ms": 1000, "ops_ok": 2000,
                                   "ops": {"read": 1000, "write": 1000},
                                   "errors": {"timeout": 0, "unavailable": 0, "no_host": 0, "other": 0},
                                   "latency_ms": {"p50": 1.1, "p95": 3.0, "p99": 7.5, "max": 20.0},
                                   "in_flight": 4, "open_connections": 2})
                f.write(json.dumps({"time": ts(sec + 0.002), "service": s, "id": i, "container": cid(s, i),
                                    "stream": "stdout", "line": line}) + "\n")
        else:
            for k in range(LOG_LINES):
                t = -5 + (SECONDS + 5) * k / LOG_LINES
                f.write(json.dumps({"time": ts(t), "service": s, "id": i, "container": cid(s, i), "stream": "stdout",
                                    "line": "INFO  [CompactionExecutor:%d] CompactionTask.java:241 - Compacted %d sstables to [/var/lib/cassandra/data/ks/t-%d] ok" % (k % 4, k, k)}) + "\n")
