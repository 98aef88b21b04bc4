#!/bin/sh
# rv32_size.sh ROOT OUT - build the copilot's portable core
# (src/copilot/core/*.c) for the ESP32-C6's RISC-V core as a size check:
# rv32imac, ilp32, -Os, freestanding, -Wall -Wextra -Werror. Prints each
# object's text/data/bss and the total; fails if a file does not compile or
# the objects need a symbol other than the device libraries' (link_*,
# bbox_*), libgcc's 64-bit division (__*di3) and memcpy/memset/memmove/
# memcmp (no libc, no OS).
# Exits 77 (CTest SKIP_RETURN_CODE) when riscv64-unknown-elf-gcc is missing.
set -u
root=$1 out=$2
cc=riscv64-unknown-elf-gcc
if ! command -v $cc >/dev/null 2>&1; then
  echo "SKIP: $cc not installed (scripts/install-deps.sh)"
  exit 77
fi
mkdir -p "$out" && rm -f "$out"/*.o
for f in "$root"/src/copilot/core/*.c; do
  o="$out/$(basename "${f%.c}").o"
  $cc -march=rv32imac -mabi=ilp32 -Os -ffreestanding -std=c11 -Wall -Wextra -Werror \
      -ffunction-sections -fdata-sections \
      -I"$root/src/copilot/core" -I"$root/src/link" -I"$root/src/bbox" \
      -c "$f" -o "$o" || exit 1
done
riscv64-unknown-elf-size -t "$out"/*.o || exit 1
defined=$(riscv64-unknown-elf-nm -g --defined-only "$out"/*.o | awk 'NF==3{print $3}')
missing=$(riscv64-unknown-elf-nm -u "$out"/*.o | awk 'NF==2{print $2}' | sort -u |
  while read -r s; do
    case "$s" in memcpy|memset|memmove|memcmp|__*di3|link_*|bbox_*) continue ;; esac
    echo "$defined" | grep -qx "$s" || echo "$s"
  done)
if [ -n "$missing" ]; then
  echo "FAIL: the core needs symbols from outside: $missing"
  exit 1
fi
outside=$(riscv64-unknown-elf-nm -u "$out"/*.o | awk 'NF==2{print $2}' | sort -u |
  while read -r s; do echo "$defined" | grep -qx "$s" || echo "$s"; done | tr '\n' ' ')
echo "outside the core: $outside"
