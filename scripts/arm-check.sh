#!/usr/bin/env bash
# Compile device sources for Cortex-M4 with warnings as errors and print
# their sizes. Usage: arm-check.sh ROOT FILE.c... (exit 77 = no toolchain)
set -euo pipefail
root=$1; shift
command -v arm-none-eabi-gcc >/dev/null || { echo "arm-none-eabi-gcc not installed"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
objs=()
for f in "$@"; do
  o="$out/$(basename "$f" .c).o"
  arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -ffreestanding -fno-strict-aliasing \
    -std=c11 -Wall -Wextra -Werror -I"$root/isa" -I"$root/src/vm" -I"$root/src/hal" \
    -I"$root/src/common" -I"$root/src/artifact" -I"$root/src/link" -I"$root/src/bbox" -c "$root/$f" -o "$o"
  objs+=("$o")
done
arm-none-eabi-size "${objs[@]}"
