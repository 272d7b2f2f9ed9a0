#!/usr/bin/env bash
# Makes a Docker engine available on a fresh Debian machine: installs Debian's docker.io (and the
# tools the agent uses on the host: nsenter, iptables, tc) when missing, and starts dockerd in the
# background when no engine answers. Idempotent: does nothing when an engine already answers.
set -euo pipefail
log() { echo "setup-docker: $*" >&2; }

need_pkgs=()
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v docker >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v nsenter >/dev/null 2>&1 || need_pkgs+=(util-linux)
command -v iptables >/dev/null 2>&1 || need_pkgs+=(iptables)
command -v tc >/dev/null 2>&1 || need_pkgs+=(iproute2)
if ((${#need_pkgs[@]})); then
  log "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  log "docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  log "no docker engine answers and this user cannot start one; start dockerd or run as root"
  exit 3
fi
logdir=/var/log/reprise
mkdir -p "$logdir"
log "starting dockerd (log: $logdir/dockerd.log)"
# setsid so the daemon outlives this script and the CI step that ran it. Every descriptor above 2 is
# closed first: a daemon that inherits one holds whatever it refers to for its whole life — run under
# `flock /tmp/reprise-it.lock ...`, dockerd kept the shared IT lock and every later IT waited forever.
(
  for fd in /proc/self/fd/*; do
    fd="${fd##*/}"
    if [[ "$fd" -gt 2 ]]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec setsid nohup dockerd >"$logdir/dockerd.log" 2>&1 < /dev/null
) &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "docker engine is up ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done
log "dockerd did not answer within 60 s; last lines of its log:"
tail -n 20 "$logdir/dockerd.log" >&2 || true
exit 3
