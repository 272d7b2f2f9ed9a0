#!/usr/bin/env bash
# Builds every image the examples and tests use, offline (no registry is contacted): each
# images/NAME/build.sh, in dependency order. Each build script skips its work when its image is
# already present and its inputs are unchanged; pass --force to rebuild everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
order=(debian-base hello cassandra traffic-gen nginx redis ycsb)
only=()
force=""
for arg in "$@"; do
  case "$arg" in
    --force) force="--force" ;;
    *) only+=("$arg") ;;
  esac
done
((${#only[@]})) && order=("${only[@]}")
for name in "${order[@]}"; do
  script="$root/images/$name/build.sh"
  if [[ -x "$script" ]]; then
    echo "build-images: $name" >&2
    "$script" $force
  else
    echo "build-images: no $script, skipping $name" >&2
  fi
done
