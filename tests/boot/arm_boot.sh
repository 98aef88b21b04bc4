#!/bin/sh
# arm_boot.sh ROOT OUT BUDGET -- the bootloader's code for Cortex-M4: build
# src/boot, the link framing and codecs, the device-side artifact checker,
# the crypto and the ISA tables with the device flags (-Werror), link them
# with the stand-in main of arm_stub.c (--gc-sections, no libc), print the
# sizes, and fail if the linked .text+.rodata exceeds BUDGET bytes or needs
# anything from outside. Exit 77 (CTest skip) without arm-none-eabi-gcc.
set -u
root=$1 out=$2 budget=$3
cc=arm-none-eabi-gcc
if ! command -v $cc >/dev/null 2>&1; then
  echo "SKIP: $cc not installed"
  exit 77
fi
mkdir -p "$out" && rm -f "$out"/*.o "$out"/boot.elf
flags="-mcpu=cortex-m4 -mthumb -Os -ffreestanding -fno-strict-aliasing -std=c11 -Wall -Wextra -Werror
  -ffunction-sections -fdata-sections -DCVM_TINY -DCVM_ISA_HASH_VALUE=0u -DCVM_ABI_HASH_VALUE=0u"
inc="-I$root/isa -I$root/src/vm -I$root/src/hal -I$root/src/common -I$root/src/artifact
  -I$root/src/link -I$root/src/boot"
srcs="$(ls "$root"/src/boot/*.c) $root/src/link/link_frame.c $root/src/link/link_msg.c
  $root/src/artifact/cvm1_open.c $root/src/artifact/cvm1_check.c $root/src/common/crc32.c
  $root/src/common/sha256.c $root/src/common/sha512.c $root/src/common/sha2_tab.c
  $root/src/common/ed25519.c $root/src/vm/cvm_isa.c $root/tests/boot/arm_stub.c"
for f in $srcs; do
  # shellcheck disable=SC2086
  $cc $flags $inc -c "$f" -o "$out/$(basename "${f%.c}").o" || exit 1
done
arm-none-eabi-size "$out"/*.o || exit 1
# shellcheck disable=SC2086
$cc $flags -nostdlib -Wl,--gc-sections -Wl,-e,boot_stub_main -o "$out/boot.elf" "$out"/*.o -lgcc || exit 1
arm-none-eabi-size "$out/boot.elf"
text=$(arm-none-eabi-size "$out/boot.elf" | awk 'NR==2{print $1}')
bss=$(arm-none-eabi-size "$out/boot.elf" | awk 'NR==2{print $2+$3}')
echo "bootloader (boot decision, protocol server, CVM1 check, SHA-2, Ed25519): $text bytes of flash, $bss bytes of RAM (budget $budget bytes of flash)"
[ "$text" -le "$budget" ] || { echo "FAIL: over budget"; exit 1; }
