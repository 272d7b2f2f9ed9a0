#!/usr/bin/env bash
# Builds local/debian:bookworm offline (no registry): a minimal Debian bookworm root filesystem made
# with `debootstrap --variant=minbase` from Debian's mirror, imported with `docker import`. Other
# images build FROM it (images/cassandra, images/traffic-gen). Installs debootstrap with apt-get when
# missing. Skips when the image exists with the same inputs (this script + mirror + suite, recorded
# in the label dev.reprise.inputs); --force rebuilds. Takes about 45 s.
#   DEBIAN_MIRROR  mirror to bootstrap from (default http://deb.debian.org/debian)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="local/debian:bookworm"
suite="bookworm"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
force=""
[[ "${1:-}" == "--force" ]] && force=1
log() { echo "debian-base: $*" >&2; }

inputs="$( (cat "$here/build.sh"; echo "$suite $mirror") | sha256sum | cut -c1-16)"
current="$(docker image inspect -f '{{index .Config.Labels "dev.reprise.inputs"}}' "$image" 2>/dev/null || true)"
if [[ -z "$force" && "$current" == "$inputs" ]]; then
  log "$image is up to date ($inputs)"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing Debian's debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  # Lock timeout: other setup scripts may be running apt at the same time.
  apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
  apt_get install -y -q debootstrap >/dev/null 2>&1 || { apt_get update -q >/dev/null && apt_get install -y -q debootstrap >/dev/null; }
fi
[[ $(id -u) -eq 0 ]] || { log "debootstrap needs root"; exit 3; }

rootfs="$(mktemp -d /var/tmp/reprise-debian-base.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
log "debootstrap --variant=minbase $suite from $mirror (about 45 s)"
if ! debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1; then
  log "debootstrap failed; last lines of its log:"
  tail -n 20 "$rootfs.log" >&2
  [[ -f "$rootfs/debootstrap/debootstrap.log" ]] && tail -n 20 "$rootfs/debootstrap/debootstrap.log" >&2
  rm -f "$rootfs.log"
  exit 1
fi
rm -f "$rootfs.log"
# Keep the image small and apt usable inside `docker build`.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
echo "deb $mirror $suite main" > "$rootfs/etc/apt/sources.list"
echo "deb $mirror $suite-updates main" >> "$rootfs/etc/apt/sources.list"

tar -C "$rootfs" --numeric-owner -c . | docker import \
  --change 'CMD ["/bin/bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change "LABEL dev.reprise.inputs=$inputs" \
  --change 'LABEL org.opencontainers.image.title=reprise-debian-base' \
  - "$image" >/dev/null
log "built $image ($inputs)"
