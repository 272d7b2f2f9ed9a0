#!/usr/bin/env bash
# Builds reprise/redis:7 offline: FROM local/debian:bookworm (images/debian-base) with Debian's
# redis-server and redis-sentinel (and redis-tools for redis-cli). No persistence by default, logs
# on stdout, protected mode off (the stack's network is the boundary). Run a server with the
# default command, a replica with `--replicaof HOST 6379`, a sentinel with
# `/usr/local/bin/sentinel.sh MASTER_HOST [QUORUM] [DOWN_AFTER_MS]` (writes its own config, since
# a sentinel rewrites its file). Skips the build when the image exists with the same inputs (label
# dev.reprise.inputs); --force rebuilds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="reprise/redis:7"
base="local/debian:bookworm"
[[ "${1:-}" == "--force" ]] && force=1 || force=""
docker image inspect "$base" >/dev/null 2>&1 || "$here/../debian-base/build.sh"
inputs="$( (cat "$here/build.sh" "$here/sentinel.sh"; docker image inspect -f '{{.Id}}' "$base") | sha256sum | cut -c1-16)"
current="$(docker image inspect -f '{{index .Config.Labels "dev.reprise.inputs"}}' "$image" 2>/dev/null || true)"
if [[ -z "$force" && "$current" == "$inputs" ]]; then
  echo "redis: $image is up to date ($inputs)" >&2
  exit 0
fi
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cp "$here/sentinel.sh" "$ctx/"
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $base
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-sentinel redis-tools \
 && rm -rf /var/lib/apt/lists/*
COPY sentinel.sh /usr/local/bin/sentinel.sh
RUN chmod 755 /usr/local/bin/sentinel.sh
EXPOSE 6379 26379
LABEL dev.reprise.inputs=$inputs org.opencontainers.image.title=reprise-redis
ENTRYPOINT []
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
DOCKERFILE
docker build -q -t "$image" "$ctx" >/dev/null
echo "redis: built $image ($inputs)" >&2
