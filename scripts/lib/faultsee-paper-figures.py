#!/usr/bin/env python3
"""Figures of one FaultSee-paper run folder (examples/faultsee-paper-kill or -cpu), from its export.

Usage: faultsee-paper-figures.py kill|cpu RUN_DIR [--json]

Reads RUN_DIR/export (written by `master run` or `master export`):
  csv/workload-clients.csv   every YCSB status line of every client (service.id), as parsed by the export
  csv/actions.csv            planned vs actual instants of every action
  dashboard/faults.json      fault windows (start/end in seconds since T0)
  csv/host-*.csv             host samples (load1), csv/container-*.csv (cpu_percent per container)

The throughput is the `client` service's successful operations per second, both clients summed
(the `ycsb-load` phase is left out), each sample placed at the middle of its interval.

Windows (seconds since T0; F = the fault's actual start):
  kill: before = [F-50, F); during = [removenode+10, replacement start) (the paper's dip is after
        the removal); after = the last 60 s of the run; recovery from the replacement's start.
  cpu:  before = [F-50, F); during = [F+10, end of the fault); after = [fault end+10, end of run);
        recovery from the end of the fault.
Before drift: the second half of `before` over its first half, minus 1 (beyond +-10 %: no steady
state before the fault). Recovery time: seconds from that instant until the 10-s moving mean first reaches 95 % of the
`before` throughput ("not within the run" when it never does). Dip = 1 - during / before.
"""
import csv
import glob
import json
import math
import os
import statistics
import sys


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(v):
    try:
        x = float(v)
        return None if math.isnan(x) else x
    except (TypeError, ValueError):
        return None


def client_series(export, service="client"):
    """Second -> summed ok ops/s of the service's clients; and second -> number of clients reporting."""
    ops, clients = {}, {}
    path = os.path.join(export, "csv", "workload-clients.csv")
    if not os.path.exists(path):
        return ops, clients
    for r in read_csv(path):
        if r["client"].rsplit(".", 1)[0] != service:
            continue
        end, interval, rate = num(r["seconds"]), num(r["interval_s"]) or 1.0, num(r["ops_ok_per_s"])
        if end is None or rate is None:
            continue
        k = int(math.floor(end - interval / 2))
        ops[k] = ops.get(k, 0.0) + rate
        clients[k] = clients.get(k, 0) + 1
    return ops, clients


def mean_over(series, a, b):
    vals = [series[k] for k in range(int(math.ceil(a)), int(math.floor(b))) if k in series]
    return (statistics.mean(vals), len(vals)) if vals else (None, 0)


def recovery(series, start, end, target, window=10):
    k = int(math.ceil(start))
    while k + window <= end:
        m, n = mean_over(series, k, k + window)
        if m is not None and n >= window // 2 and m >= target:
            return k - start
        k += 1
    return None


def actions(export):
    return read_csv(os.path.join(export, "csv", "actions.csv"))


def planned_or_actual_s(row):
    return num(row.get("actual_s")) if num(row.get("actual_s")) is not None else num(row.get("planned_s"))


def host_load(export, a, b):
    """Mean and max load1, and mean CPU % (of all cores), of the hosts' samples in [a, b)."""
    loads, cpus = [], []
    for path in glob.glob(os.path.join(export, "csv", "host-*.csv")):
        for r in read_csv(path):
            s, l, c = num(r["seconds"]), num(r["load1"]), num(r["cpu_percent"])
            if s is not None and a <= s < b:
                if l is not None: loads.append(l)
                if c is not None: cpus.append(c)
    return ((statistics.mean(loads) if loads else None), (max(loads) if loads else None),
            (statistics.mean(cpus) if cpus else None))


def container_cpu(export, service, a, b):
    out = {}
    for path in sorted(glob.glob(os.path.join(export, "csv", "container-%s.*.csv" % service))):
        vals = [num(r["cpu_percent"]) for r in read_csv(path)
                if num(r["seconds"]) is not None and a <= num(r["seconds"]) < b and num(r["cpu_percent"]) is not None]
        if vals:
            out[os.path.basename(path)[len("container-"):-len(".csv")]] = round(statistics.mean(vals), 1)
    return out


def figures(kind, run_dir):
    export = os.path.join(run_dir, "export")
    with open(os.path.join(export, "dashboard", "faults.json")) as f:
        faults = json.load(f)
    run_end = None
    with open(os.path.join(run_dir, "run.json")) as f:
        run = json.load(f)
    plan = run.get("plan") or {}
    run_end = (plan.get("endMillis") or 0) / 1000.0 or None
    ops, clients = client_series(export)
    if not ops:
        raise SystemExit("faultsee-paper-figures: no workload lines of the client service in %s" % export)
    if run_end is None:
        run_end = max(ops) + 1
    by_type = {}
    for fl in faults:
        by_type.setdefault(fl["type"], []).append(fl)
    if kind == "kill":
        kill = by_type["kill"][0]
        removal = by_type["custom"][0]
        starts = [r for r in actions(export) if r.get("kind") == "start" or r.get("action") == "start"]
        cass_starts = sorted(planned_or_actual_s(r) for r in starts if "cassandra" in (r.get("target") or ""))
        replacement = [s for s in cass_starts if s is not None and s > kill["start"]][0]
        f0 = kill["start"]
        windows = {"before": (f0 - 50, f0), "during": (removal["start"] + 10, replacement),
                   "after": (run_end - 60, run_end)}
        heal_at, heal_what = replacement, "the replacement's start"
        events = {"kill_s": round(f0, 1), "removenode_s": round(removal["start"], 1),
                  "replacement_s": round(replacement, 1)}
    else:
        cpu = by_type["cpu"]
        f0 = min(c["start"] for c in cpu)
        f1 = max(c["end"] for c in cpu if c.get("end") is not None)
        windows = {"before": (f0 - 50, f0), "during": (f0 + 10, f1), "after": (f1 + 10, run_end)}
        heal_at, heal_what = f1, "the end of the CPU fault"
        events = {"cpu_start_s": round(f0, 1), "cpu_end_s": round(f1, 1), "nodes": sum(len(c.get("ids", [])) for c in cpu)}
    result = {"kind": kind, "run": run_dir, "events": events, "windows": {}}
    for name, (a, b) in windows.items():
        m, n = mean_over(ops, a, b)
        load_mean, load_max, host_cpu = host_load(export, a, b)
        result["windows"][name] = {
            "from_s": round(a, 1), "to_s": round(b, 1), "seconds": n,
            "ops_per_s": None if m is None else round(m, 1),
            "host_load1_mean": None if load_mean is None else round(load_mean, 2),
            "host_load1_max": load_max,
            "host_cpu_percent": None if host_cpu is None else round(host_cpu, 1),
            "cassandra_cpu_percent": container_cpu(export, "cassandra", a, b),
            "client_cpu_percent": container_cpu(export, "client", a, b),
        }
    a, b = windows["before"]
    first, _ = mean_over(ops, a, (a + b) / 2)
    second, _ = mean_over(ops, (a + b) / 2, b)
    # a rising or falling level before the fault: not a steady state (warm-up, or the machine's load changed)
    result["before_drift"] = None if not first or second is None else round(second / first - 1, 3)
    before = result["windows"]["before"]["ops_per_s"]
    during = result["windows"]["during"]["ops_per_s"]
    after = result["windows"]["after"]["ops_per_s"]
    result["dip_fraction"] = None if not before or during is None else round(1 - during / before, 3)
    result["after_over_before"] = None if not before or after is None else round(after / before, 3)
    rec = None if not before else recovery(ops, heal_at, run_end, 0.95 * before)
    result["recovery_s"] = None if rec is None else round(rec, 1)
    result["recovery_from"] = heal_what
    plot = os.path.join(export, "plots", "throughput.png")
    result["plot"] = plot if os.path.exists(plot) else None
    return result


def fmt(x, unit=""):
    return "n/a" if x is None else ("%g%s" % (x, unit))


def main(argv):
    if len(argv) < 3 or argv[1] not in ("kill", "cpu"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    r = figures(argv[1], argv[2])
    if "--json" in argv:
        print(json.dumps(r, indent=2))
        return 0
    w = r["windows"]
    paper = {"kill": "paper Fig. 4: ~3,250 -> ~2,750 ops/s after kill + removenode (dip ~15 %), back to ~3,250 after the replacement",
             "cpu": "paper Fig. 6: ~3,250 -> ~2,750 ops/s during the CPU exhaustion of every node (dip ~15 %), back at once when it ends"}[r["kind"]]
    print("faultsee-paper-%s: %s" % (r["kind"], r["run"]))
    print("  events (s since T0): %s" % ", ".join("%s=%s" % kv for kv in r["events"].items()))
    for name in ("before", "during", "after"):
        x = w[name]
        print("  %-6s [%5.0f, %5.0f) s: %8s ops/s  (%d s; host load1 mean %s, cpu %s %%; cassandra cpu %% %s; client cpu %% %s)" % (
            name, x["from_s"], x["to_s"], fmt(x["ops_per_s"]), x["seconds"], fmt(x["host_load1_mean"]), fmt(x["host_cpu_percent"]),
            x["cassandra_cpu_percent"], x["client_cpu_percent"]))
    if r["before_drift"] is not None:
        print("  before: second half vs first half %+.1f %%%s" % (100 * r["before_drift"],
              "  (not a steady state: the figures below compare moving levels)" if abs(r["before_drift"]) > 0.1 else ""))
    print("  dip: %s   after/before: %s   recovery: %s (from %s to 95 %% of before)" % (
        "n/a" if r["dip_fraction"] is None else "%.1f %%" % (100 * r["dip_fraction"]),
        fmt(r["after_over_before"]),
        "not within the run" if r["recovery_s"] is None else "%g s" % r["recovery_s"], r["recovery_from"]))
    print("  %s" % paper)
    print("  plot: %s" % (r["plot"] or "none (export missing?)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
