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
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"
echo "setup-postgres: installing Debian's postgresql (the system cluster is not started)"
apt_install_quietly setup-postgres postgresql
if [[ ! -x "$bin/initdb" ]]; then
  echo "setup-postgres: installed, but there is no $bin/initdb (another major version?); set REPRISE_PG_BIN to its bin folder" >&2
  exit 3
fi
echo "setup-postgres: installed $("$bin/postgres" --version)"
