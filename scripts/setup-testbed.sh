#!/usr/bin/env bash
# Installs what the multi-host testbed (testbed/up, testbed/down) and its tests need on a fresh
# Debian machine: openssh-server (one sshd per testbed host), chrony (NTP for the testbed subnet),
# iproute2 (netns, bridge, veth), iptables (DOCKER-USER and MASQUERADE rules), util-linux (nsenter,
# unshare). Idempotent; starts no daemon (the testbed starts its own sshd/chronyd instances and
# Debian's package scripts are kept from starting the system ones).
set -euo pipefail
log() { echo "setup-testbed: $*" >&2; }

need_pkgs=()
[[ -x /usr/sbin/sshd ]] || need_pkgs+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || need_pkgs+=(openssh-client)
[[ -x /usr/sbin/chronyd ]] || need_pkgs+=(chrony)
command -v ip >/dev/null 2>&1 || need_pkgs+=(iproute2)
command -v iptables >/dev/null 2>&1 || need_pkgs+=(iptables)
command -v nsenter >/dev/null 2>&1 || need_pkgs+=(util-linux)
command -v unshare >/dev/null 2>&1 || need_pkgs+=(util-linux)
if ((${#need_pkgs[@]} == 0)); then
  log "all testbed tools present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  log "missing ${need_pkgs[*]} and this user cannot install packages; run as root"
  exit 3
fi
log "installing ${need_pkgs[*]}"
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
# policy-rc.d exit 101 keeps the packages' postinst from starting ssh/chrony system services;
# remove it again only if we created it.
created_policy=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if ((created_policy)); then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
log "installed ${need_pkgs[*]}"
