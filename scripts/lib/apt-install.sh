# Sourced by the setup-*.sh scripts: installs Debian packages without letting their maintainer
# scripts start the system services (the tests start their own servers on loopback ports, in
# temporary folders, and stop them).
#
#   apt_install_quietly TOOL PACKAGE...
#
# Installs PACKAGE... with apt-get (through sudo when not root), first without and then, on
# failure, after an `apt-get update`. While it runs, /usr/sbin/policy-rc.d refuses every service
# start (exit 101), unless the machine already has its own policy file, which is left as it is.
# Exits 3 with a message naming TOOL when apt-get is unavailable.

apt_install_quietly() {
  local tool="$1"
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$tool: apt-get is unavailable; install Debian's $* by hand" >&2
    exit 3
  fi
  local sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  local policy=/usr/sbin/policy-rc.d
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    # removed however the script ends (an interrupted install included)
    trap "$sudo rm -f $policy" EXIT
  fi
  local apt=($sudo env DEBIAN_FRONTEND=noninteractive apt-get)
  "${apt[@]}" install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
    || { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends "$@" >/dev/null; }
}
