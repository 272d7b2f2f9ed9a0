#!/usr/bin/env bash
# Benchmark of the run catalog: 100,000 synthetic runs (1-4 faults each, 8 fault types) inserted into
# an SQLite file, and into PostgreSQL when Debian's package is installed (scripts/setup-postgres.sh;
# a cluster of its own in a temporary folder on a free loopback port, stopped at the end), then
# `master runs list --fault TYPE` timed two ways: the query inside a warm JVM (CatalogBench: median
# of 7), and the whole command as a user runs it (JVM start, Flyway's check, query, printing).
# Usage: scripts/bench-catalog.sh [RUNS] [FAULT_TYPE]   (default 100000 kill). Needs the master jar
# (built here when missing: ./mvnw -o -q -pl master-controller -am package -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-100000}"
fault="${2:-kill}"
jar=master-controller/target/master-all.jar
[[ -f "$jar" ]] || ./mvnw -o -q -pl master-controller -am package -DskipTests
work="$(mktemp -d /tmp/reprise-bench-catalog-XXXXXX)"
pgbin="${REPRISE_PG_BIN:-/usr/lib/postgresql/15/bin}"
pg_started=""
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  if [[ -n "$pg_started" ]]; then as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

wall() { # prints the wall time of "$@" in ms, its output discarded
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
  e=$(date +%s%N)
  echo $(( (e - s) / 1000000 ))
}

bench() { # LABEL LOCATION
  echo "== $1: $runs runs"
  java -cp "$jar" dev.reprise.master.catalog.CatalogBench "$2" "$runs" "$fault"
  for limit in 50 0; do
    local times=()
    for i in 1 2 3 4 5; do times+=("$(wall java -jar "$jar" runs list --fault "$fault" --limit "$limit" --catalog "$2")"); done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    echo "master runs list --fault $fault --limit $limit (whole command): median ${sorted[2]} ms (of ${times[*]})"
  done
}

bench "SQLite" "$work/catalog.db"
echo "SQLite file: $(du -h "$work/catalog.db" | cut -f1)"

if [[ -x "$pgbin/initdb" ]]; then
  mkdir -p "$work/pg"
  [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$work" "$work/pg" && chmod 755 "$work"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$pgbin/initdb" -D "$work/pg/data" -U reprise -A trust -E UTF8 --locale=C --no-sync >/dev/null
  as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $work/pg -c fsync=off" start >/dev/null
  pg_started=1
  bench "PostgreSQL 15" "jdbc:postgresql://127.0.0.1:$port/postgres?user=reprise&reWriteBatchedInserts=true"
else
  echo "== PostgreSQL: skipped (no $pgbin/initdb; scripts/setup-postgres.sh installs it)"
fi
