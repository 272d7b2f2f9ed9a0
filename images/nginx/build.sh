#!/usr/bin/env bash
# Builds reprise/nginx:latest offline: FROM local/debian:bookworm (images/debian-base) with Debian's
# nginx-light (and wget, for the example's clients), serving a small page, logging to stdout/stderr, in the foreground. Skips the build
# when the image exists with the same inputs (label dev.reprise.inputs); --force rebuilds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="reprise/nginx:latest"
base="local/debian:bookworm"
[[ "${1:-}" == "--force" ]] && force=1 || force=""
docker image inspect "$base" >/dev/null 2>&1 || "$here/../debian-base/build.sh"
inputs="$( (cat "$here/build.sh"; docker image inspect -f '{{.Id}}' "$base") | sha256sum | cut -c1-16)"
current="$(docker image inspect -f '{{index .Config.Labels "dev.reprise.inputs"}}' "$image" 2>/dev/null || true)"
if [[ -z "$force" && "$current" == "$inputs" ]]; then
  echo "nginx: $image is up to date ($inputs)" >&2
  exit 0
fi
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $base
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light wget \
 && rm -rf /var/lib/apt/lists/* \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log \
 && echo 'hello from reprise/nginx' > /var/www/html/index.html
STOPSIGNAL SIGQUIT
LABEL dev.reprise.inputs=$inputs org.opencontainers.image.title=reprise-nginx
CMD ["nginx", "-g", "daemon off;"]
DOCKERFILE
docker build -q -t "$image" "$ctx" >/dev/null
echo "nginx: built $image ($inputs)" >&2
