#!/bin/sh
# fw_build.sh ROOT OUT -- build every firmware board into OUT (the fixture
# of the sil.* tests). Exits 77 (skip) when the Arm cross compiler is not
# installed (scripts/install-deps.sh installs it).
root=$1 out=$2
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  echo "SKIP: arm-none-eabi-gcc not installed (scripts/install-deps.sh)"
  exit 77
fi
exec make --no-print-directory -s -f "$root/src/ports/firmware.mk" O="$out" -j2
