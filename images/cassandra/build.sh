#!/usr/bin/env bash
# Builds reprise/cassandra:4.1.7 offline: fetches org.apache.cassandra:cassandra-all:4.1.7 and its
# runtime dependencies from Maven Central (pom.xml here, via the project's ./mvnw) into target/lib,
# then `docker build` FROM local/debian:bookworm (images/debian-base) with Debian's
# openjdk-17-jre-headless installed inside the build. Skips when the image exists and was built from
# the same inputs (files here + the base image id, recorded in the label dev.reprise.inputs);
# --force rebuilds. See entrypoint.sh for the container's environment variables.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
image="reprise/cassandra:4.1.7"
base="local/debian:bookworm"
force=""
[[ "${1:-}" == "--force" ]] && force=1
log() { echo "cassandra: $*" >&2; }

base_id="$(docker image inspect -f '{{.Id}}' "$base" 2>/dev/null || true)"
if [[ -z "$base_id" ]]; then
  log "base image $base is missing; building it (images/debian-base/build.sh)"
  "$root/images/debian-base/build.sh"
  base_id="$(docker image inspect -f '{{.Id}}' "$base")"
fi
inputs="$( (cd "$here" && cat build.sh Dockerfile pom.xml entrypoint.sh nodetool conf/*; echo "$base_id") | sha256sum | cut -c1-16)"
current="$(docker image inspect -f '{{index .Config.Labels "dev.reprise.inputs"}}' "$image" 2>/dev/null || true)"
if [[ -z "$force" && "$current" == "$inputs" ]]; then
  log "$image is up to date ($inputs)"
  exit 0
fi

log "fetching cassandra-all 4.1.7 and dependencies from Maven Central"
rm -rf "$here/target/lib"
if ! "$root/mvnw" -B -q -f "$here/pom.xml" dependency:copy-dependencies >&2; then
  log "could not fetch the Cassandra jars (is Maven Central reachable?)"
  exit 1
fi
log "docker build $image (installs openjdk-17-jre-headless from Debian's mirror)"
docker build -q --label "dev.reprise.inputs=$inputs" \
  --label org.opencontainers.image.title=reprise-cassandra -t "$image" "$here" >/dev/null
log "built $image ($inputs)"
