#!/bin/sh
# rv32_size.sh ROOT OUT [BUDGET] - the copilot core (src/copilot/core) built
# for the ESP32-C6's RISC-V core the way a port would: rv32imac, -Os,
# freestanding, and -nostdinc so that only the compiler's own freestanding
# headers (stdint.h, stddef.h, stdbool.h) exist: an OS or libc header fails
# the build. The name tables it uses from src/link, src/bbox and
# src/artifact are built the same way. Prints text/data/bss per object;
# fails if the objects need any symbol but memcpy/memset/memmove/memcmp and
# libgcc's helpers, or if the core's text (code + rodata) exceeds BUDGET.
# Exits 77 (CTest SKIP_RETURN_CODE) when riscv64-unknown-elf-gcc is missing.
set -u
root=$1 out=$2 budget=${3:-0}
cc=riscv64-unknown-elf-gcc
if ! command -v $cc >/dev/null 2>&1; then
  echo "SKIP: $cc not installed (scripts/install-deps.sh)"
  exit 77
fi
inc=$($cc -print-file-name=include)
flags="-march=rv32imac -mabi=ilp32 -Os -ffreestanding -nostdinc -isystem $inc -std=c11 -Wall -Wextra -Werror"
incs="-I$root/src/copilot/core -I$root/src/link -I$root/src/bbox -I$root/src/artifact -I$root/src/vm -I$root/isa"
rm -rf "$out" && mkdir -p "$out/core" "$out/deps" || exit 1
for f in "$root"/src/copilot/core/*.c; do
  $cc $flags $incs -fstack-usage -c "$f" -o "$out/core/$(basename "${f%.c}").o" || { echo "FAIL: $f"; exit 1; }
done
for f in src/link/link_names.c src/link/link_rt_names.c src/bbox/bbox_names.c src/artifact/cvm1_err.c; do
  $cc $flags $incs -c "$root/$f" -o "$out/deps/$(basename "${f%.c}").o" || { echo "FAIL: $f"; exit 1; }
done
echo "copilot core (rv32imac -Os):"
riscv64-unknown-elf-size -t "$out"/core/*.o || exit 1
echo "largest stack frames (bytes):"
cat "$out"/core/*.su | sort -t"$(printf '\t')" -k2 -n -r | head -5
echo "name tables it uses from src/link, src/bbox, src/artifact:"
riscv64-unknown-elf-size -t "$out"/deps/*.o || exit 1

defined=$(riscv64-unknown-elf-nm -g --defined-only "$out"/core/*.o "$out"/deps/*.o | awk 'NF==3{print $3}')
missing=$(riscv64-unknown-elf-nm -u "$out"/core/*.o "$out"/deps/*.o | awk 'NF==2{print $2}' | sort -u |
  while read -r s; do
    case " memcpy memset memmove memcmp __divdi3 __moddi3 __udivdi3 __umoddi3 " in *" $s "*) continue ;; esac
    echo "$defined" | grep -qx "$s" || echo "$s"
  done)
if [ -n "$missing" ]; then
  echo "FAIL: objects need symbols from outside: $missing"
  exit 1
fi
total=$(riscv64-unknown-elf-size -t "$out"/core/*.o | awk 'END{print $1 + $2}')
echo "core text+data $total bytes (budget $budget)"
if [ "$budget" -gt 0 ] && [ "$total" -gt "$budget" ]; then
  echo "FAIL: over budget"
  exit 1
fi
