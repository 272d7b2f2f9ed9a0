#!/usr/bin/env bash
# Installs Debian's chromium (headless browser used by dashboard-export's report IT) when missing.
# Idempotent: does nothing when a chromium binary is already on PATH. Needs root (apt-get) otherwise.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  echo "setup-chromium: $(command -v chromium || command -v chromium-browser) present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-chromium: chromium is missing and apt-get is unavailable; install Debian's 'chromium' package by hand" >&2
  exit 3
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

echo "setup-chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "setup-chromium: $(command -v chromium) installed"
