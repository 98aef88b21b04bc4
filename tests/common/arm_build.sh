#!/bin/sh
# arm_build.sh SRC OUT [BUDGET] - build every SRC/*.c for the Cortex-M4 the
# way device firmware will, print each object's size, and fail if the code
# needs any symbol outside these objects but memcpy/memset (no libc), or if
# .text+.rodata (arm-none-eabi-size "text") exceeds BUDGET bytes.
# Exits 77 (CTest SKIP_RETURN_CODE) when arm-none-eabi-gcc is missing.
set -u
src=$1 out=$2 budget=${3:-0}
cc=arm-none-eabi-gcc
if ! command -v $cc >/dev/null 2>&1; then
  echo "SKIP: $cc not installed (scripts/install-deps.sh)"
  exit 77
fi
mkdir -p "$out" && rm -f "$out"/*.o
for f in "$src"/*.c; do
  o="$out/$(basename "${f%.c}").o"
  $cc -mcpu=cortex-m4 -mthumb -Os -ffreestanding -std=c11 \
      -Wall -Wextra -Werror -c "$f" -o "$o" || exit 1
done
arm-none-eabi-size -t "$out"/*.o || exit 1

defined=$(arm-none-eabi-nm -g --defined-only "$out"/*.o | awk 'NF==3{print $3}')
missing=$(arm-none-eabi-nm -u "$out"/*.o | awk 'NF==2{print $2}' | sort -u |
  while read -r s; do
    case " memcpy memset " in *" $s "*) continue ;; esac
    echo "$defined" | grep -qx "$s" || echo "$s"
  done)
if [ -n "$missing" ]; then
  echo "FAIL: objects need symbols from outside: $missing"
  exit 1
fi
total=$(arm-none-eabi-size -t "$out"/*.o | awk 'END{print $1}')
echo "total text $total bytes (budget $budget)"
if [ "$budget" -gt 0 ] && [ "$total" -gt "$budget" ]; then
  echo "FAIL: over budget"
  exit 1
fi
