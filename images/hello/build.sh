#!/usr/bin/env bash
# Builds reprise/hello:latest offline: a busybox rootfs from Debian's busybox-static package (installed
# with apt-get when missing) and hello.sh as entrypoint, imported with `docker import` (no registry,
# no base image). Skips the build when the image exists and was built from the same inputs (busybox
# binary + hello.sh + this script, recorded in the label dev.reprise.inputs); --force rebuilds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="reprise/hello:latest"
force=""
[[ "${1:-}" == "--force" ]] && force=1

if [[ ! -x /bin/busybox ]] || ! /bin/busybox --list >/dev/null 2>&1 || ! file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
  if ! dpkg -s busybox-static >/dev/null 2>&1; then
    echo "hello: installing Debian's busybox-static" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q busybox-static >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q busybox-static >/dev/null; }
  fi
fi
busybox="$(dpkg -L busybox-static 2>/dev/null | grep -E '/bin/busybox$' | head -1)"
busybox="${busybox:-/bin/busybox}"
[[ -x "$busybox" ]] || { echo "hello: $busybox not found after installing busybox-static" >&2; exit 1; }

inputs="$(cat "$busybox" "$here/hello.sh" "$here/build.sh" | sha256sum | cut -c1-16)"
current="$(docker image inspect -f '{{index .Config.Labels "dev.reprise.inputs"}}' "$image" 2>/dev/null || true)"
if [[ -z "$force" && "$current" == "$inputs" ]]; then
  echo "hello: $image is up to date ($inputs)" >&2
  exit 0
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,usr/lib/faultsee,etc,tmp,proc,sys,dev,root,var/log}
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [[ "$applet" == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"
done
cp "$here/hello.sh" "$rootfs/hello.sh"
chmod 755 "$rootfs/hello.sh"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"

tar -C "$rootfs" --numeric-owner -c . | docker import \
  --change 'ENTRYPOINT ["/bin/sh", "/hello.sh"]' \
  --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
  --change "LABEL dev.reprise.inputs=$inputs" \
  --change 'LABEL org.opencontainers.image.title=reprise-hello' \
  - "$image" >/dev/null
echo "hello: built $image ($inputs)" >&2
