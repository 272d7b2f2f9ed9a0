#!/usr/bin/env bash
# Installs Debian's postgresql package for the run catalog's ITs (CatalogIT) and benchmark, without
# starting the system cluster: the tests start their own cluster in a temporary folder on a free
# loopback port (test fixture catalog/PostgresServer, initdb + pg_ctl from /usr/lib/postgresql/15/bin,
# run as the postgres user when this is root, since PostgreSQL refuses to run as root) and stop it.
# Idempotent: installs only when initdb is missing. Needs root (apt-get).
set -euo pipefail

bin="${REPRISE_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [[ -x "$bin/initdb" && -x "$bin/pg_ctl" ]]; then
  echo "setup-postgres: $("$bin/postgres" --version)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-postgres: $bin/initdb is missing and apt-get is unavailable; install Debian's postgresql package by hand" >&2
  exit 3
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

echo "setup-postgres: installing Debian's postgresql (the system cluster is not started)"
export DEBIAN_FRONTEND=noninteractive
# keep the package's maintainer scripts from starting the system cluster: the tests start their own
policy=/usr/sbin/policy-rc.d
restore=""
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  restore=1
fi
cleanup() { [[ -n "$restore" ]] && $SUDO rm -f "$policy"; return 0; }
trap cleanup EXIT
$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 \
  || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }
if [[ ! -x "$bin/initdb" ]]; then
  echo "setup-postgres: installed, but there is no $bin/initdb (another major version?); set REPRISE_PG_BIN to its bin folder" >&2
  exit 3
fi
echo "setup-postgres: installed $("$bin/postgres" --version)"
