#!/usr/bin/env bash
# Install the Debian packages CockpitVM needs, then the npm packages the
# dashboard needs (package-lock.json: uPlot, bundled into fleetd at build
# time; playwright-core, which drives Debian's chromium in the fleet.ui.*
# tests). Idempotent; quiet when all are present; runs `apt-get update`
# first only when something is missing.
set -euo pipefail

PKGS=(
  build-essential cmake clang libclang-rt-14-dev llvm
  libssl-dev libpng-dev pkg-config valgrind lua5.4 python3
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev postgresql
  mosquitto mosquitto-clients libmosquitto-dev libcurl4-openssl-dev openssl iproute2
  prometheus
  nodejs chromium
  gcc-arm-none-eabi libnewlib-arm-none-eabi
  qemu-system-arm qemu-system-misc gcc-riscv64-unknown-elf
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's nodejs comes without npm (a separate package); other builds of
# nodejs bring their own npm, which Debian's npm would conflict with
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, exactly as package-lock.json pins them: again only when
# node_modules is missing or older than the lockfile
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
