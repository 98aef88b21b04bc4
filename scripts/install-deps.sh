#!/usr/bin/env bash
# Install the Debian packages CockpitVM needs. Idempotent; quiet when all
# are present; runs `apt-get update` first only when something is missing.
set -euo pipefail

PKGS=(
  build-essential cmake clang libclang-rt-14-dev llvm
  libssl-dev libpng-dev pkg-config valgrind lua5.4 python3
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev postgresql
  mosquitto mosquitto-clients libmosquitto-dev libcurl4-openssl-dev openssl iproute2
  prometheus
  gcc-arm-none-eabi libnewlib-arm-none-eabi
  qemu-system-arm qemu-system-misc gcc-riscv64-unknown-elf
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
