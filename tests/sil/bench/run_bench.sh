#!/bin/bash
# run_bench.sh COCKPIT FIRMWARE WORK -- instruction counts on the emulated
# Cortex-M4 (mps2-an386) with the measuring firmware cockpit-bench.bin in
# the hypervisor's place (src/ports/mps2-an386/mps2_bench.c says how it
# counts): Fletcher-32 over 360 bytes native vs VM, and verifying a signed
# artifact that fills a 32 KB bank. Prints the figures and checks the goal
# of docs/performance.md: the VM within 20x of native code. Exits 77
# without QEMU or firmware.
set -u
cockpit=$1 fw=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
bench=$fw/mps2-an386/cockpit-bench.bin
[ -f "$bench" ] || { echo "SKIP: no $bench"; exit 77; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "SKIP: qemu-system-arm not installed"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
"$cockpit" keygen bench >/dev/null || exit 1

# Fletcher-32: the guest and the native kernel are the same source.
"$cockpit" build "$here/fletcher32.c" --key bench.key -o fletcher32.cvm1 >/dev/null || exit 1
"$cockpit" sil --firmware "$fw" --hv "$bench" --trust bench.pub fletcher32.cvm1 >fletcher.out 2>fletcher.err
st=$?
cat fletcher.out
[ $st = 0 ] || { echo "FAIL: status $st"; cat fletcher.err; exit 1; }
native=$(sed -n 's/^native_fletcher32 insns \([0-9.]*\) .*/\1/p' fletcher.out)
vm=$(sed -n 's/^vm_fletcher32 insns \([0-9.]*\) .*/\1/p' fletcher.out)
grep -q "(native = VM)" fletcher.out || { echo "FAIL: checksums not compared"; exit 1; }
[ -n "$native" ] && [ -n "$vm" ] || { echo "FAIL: no counts"; exit 1; }
ratio=$(awk -v n="$native" -v v="$vm" 'BEGIN { printf "%.1f", v / n }')
echo "vm/native ratio ${ratio}x (goal <= 20x)"

# A bank filled by one signed artifact: 31000 bytes of read-only data.
awk 'BEGIN {
  n = 31000
  print "#include <stdint.h>\n#include <stdio.h>\nconst uint8_t blob[" n "] = {"
  for (i = 0; i < n; i++) printf "%d,%s", (i * 7919 + 13) % 256, (i % 24 == 23 ? "\n" : " ")
  print "};\nint main(void) {\n  uint32_t s = 0;"
  print "  for (int i = 0; i < " n "; i += 1000) s += blob[i];"
  print "  printf(\"blob %u\\n\", s);\n  return 0;\n}"
}' >bank32k.c
"$cockpit" build bank32k.c --key bench.key --strip -o bank32k.cvm1 >/dev/null || exit 1
"$cockpit" sil --firmware "$fw" --hv "$bench" --trust bench.pub bank32k.cvm1 >bank.out 2>bank.err
st=$?
cat bank.out
[ $st = 0 ] || { echo "FAIL: status $st"; cat bank.err; exit 1; }
grep -q "^cvm1_check insns" bank.out || { echo "FAIL: no cvm1_check count"; exit 1; }
awk -v r="$ratio" 'BEGIN { exit !(r <= 20) }' || { echo "FAIL: VM over 20x native"; exit 1; }
