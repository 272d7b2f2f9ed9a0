#!/usr/bin/env bash
# Installs what dashboard-export needs on a fresh Debian machine: Debian's chromium (the headless
# browser of the report IT) and DejaVu fonts (text in the PNG plots and the report screenshots).
# Idempotent: installs only what is missing. Needs root (apt-get) when something is.
set -euo pipefail

pkgs=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || pkgs+=(chromium)
[[ -d /usr/share/fonts/truetype/dejavu ]] || pkgs+=(fonts-dejavu-core)
if ((${#pkgs[@]} == 0)); then
  echo "setup-chromium: $(command -v chromium || command -v chromium-browser) and DejaVu fonts present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-chromium: missing ${pkgs[*]} and apt-get is unavailable; install Debian's packages by hand" >&2
  exit 3
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

echo "setup-chromium: installing ${pkgs[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
echo "setup-chromium: installed ${pkgs[*]}"
