#!/usr/bin/env bash
# Builds reprise/traffic-gen:latest offline: FROM local/debian:bookworm (images/debian-base) with
# Debian's openjdk-17-jre-headless and traffic-generator/target/traffic-gen.jar (built with ./mvnw
# when missing or older than the module's sources). Skips when the image exists with the same
# inputs (jar + Dockerfile + this script + base image id, label dev.reprise.inputs); --force rebuilds.
# Run it in a scenario as a swarm service, e.g.
#   command: ["--hosts", "tasks.cassandra", "--mode", "mixed", "--threads", "2", "--rate", "500"]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
image="reprise/traffic-gen:latest"
base="local/debian:bookworm"
jar="$root/traffic-generator/target/traffic-gen.jar"
force=""
[[ "${1:-}" == "--force" ]] && force=1
log() { echo "traffic-gen: $*" >&2; }

if [[ ! -f "$jar" || -n "$(find "$root/traffic-generator/src/main" "$root/traffic-generator/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
  log "building $jar"
  (cd "$root" && ./mvnw -q -B -DskipTests -pl traffic-generator -am package) >&2
fi
base_id="$(docker image inspect -f '{{.Id}}' "$base" 2>/dev/null || true)"
if [[ -z "$base_id" ]]; then
  log "base image $base is missing; building it (images/debian-base/build.sh)"
  "$root/images/debian-base/build.sh"
  base_id="$(docker image inspect -f '{{.Id}}' "$base")"
fi
# The jar's content, not its timestamp: a rebuild of identical sources keeps the image.
jar_sum="$(unzip -p "$jar" 'dev/reprise/traffic/*' 2>/dev/null | sha256sum | cut -c1-16 || sha256sum "$jar" | cut -c1-16)"
inputs="$( (cat "$here/build.sh" "$here/Dockerfile"; echo "$jar_sum $base_id") | sha256sum | cut -c1-16)"
current="$(docker image inspect -f '{{index .Config.Labels "dev.reprise.inputs"}}' "$image" 2>/dev/null || true)"
if [[ -z "$force" && "$current" == "$inputs" ]]; then
  log "$image is up to date ($inputs)"
  exit 0
fi
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cp "$here/Dockerfile" "$jar" "$ctx/"
docker build -q --label "dev.reprise.inputs=$inputs" \
  --label org.opencontainers.image.title=reprise-traffic-gen -t "$image" "$ctx" >/dev/null
log "built $image ($inputs)"
