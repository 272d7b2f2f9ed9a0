#!/usr/bin/env bash
# Builds reprise/ycsb:0.17.0 offline: the project's YCSB Cassandra binding and its closed-loop
# entry point (scripts/bench-traffic-gen-ycsb, via ./mvnw: site.ycsb:core:0.17.0 and the Apache
# Cassandra Java driver from Maven Central), then `docker build` FROM local/debian:bookworm
# (images/debian-base) with Debian's openjdk-17-jre-headless. Skips when the image exists with the
# same inputs (binding sources + pom + workload + Dockerfile + this script + base image id, label
# dev.reprise.inputs); --force rebuilds. Run it in a scenario as a swarm service, e.g.
#   command: ["run", "-P", "/opt/ycsb/workloads/workloada", "-p", "hosts=tasks.cassandra", "-threads", "10"]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binding="$root/scripts/bench-traffic-gen-ycsb"
image="reprise/ycsb:0.17.0"
base="local/debian:bookworm"
force=""
[[ "${1:-}" == "--force" ]] && force=1
log() { echo "ycsb: $*" >&2; }

base_id="$(docker image inspect -f '{{.Id}}' "$base" 2>/dev/null || true)"
if [[ -z "$base_id" ]]; then
  log "base image $base is missing; building it (images/debian-base/build.sh)"
  "$root/images/debian-base/build.sh"
  base_id="$(docker image inspect -f '{{.Id}}' "$base")"
fi
inputs="$( (cd "$binding" && cat pom.xml workloada.properties $(find src -type f | sort); cat "$here/build.sh" "$here/Dockerfile"; echo "$base_id") | sha256sum | cut -c1-16)"
current="$(docker image inspect -f '{{index .Config.Labels "dev.reprise.inputs"}}' "$image" 2>/dev/null || true)"
if [[ -z "$force" && "$current" == "$inputs" ]]; then
  log "$image is up to date ($inputs)"
  exit 0
fi

log "building the binding and fetching site.ycsb:core:0.17.0 (scripts/bench-traffic-gen-ycsb)"
rm -rf "$binding/target/lib"
if ! "$root/mvnw" -B -q -f "$binding/pom.xml" package dependency:copy-dependencies >&2; then
  log "could not build the binding or fetch YCSB's jars (is Maven Central, or ~/.m2, reachable?)"
  exit 1
fi
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
mkdir "$ctx/lib"
cp "$binding"/target/lib/*.jar "$binding"/target/ycsb-cassandra-binding-0.1.0.jar "$ctx/lib/"
cp "$here/Dockerfile" "$binding/workloada.properties" "$ctx/"
log "docker build $image"
docker build -q --label "dev.reprise.inputs=$inputs" \
  --label org.opencontainers.image.title=reprise-ycsb -t "$image" "$ctx" >/dev/null
log "built $image ($inputs)"
