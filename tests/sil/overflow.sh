#!/bin/sh
# overflow.sh ROOT FIRMWARE -- the budgets are enforced by the link: the
# STM32G474 hypervisor's objects, linked into a region 4 KB smaller than
# they need, must fail with "region `FLASH' overflowed", and the same for
# RAM when the stack no longer fits above the VM's memory. Exits 77
# without the cross compiler or the firmware.
root=$1 fw=$2
command -v arm-none-eabi-gcc >/dev/null 2>&1 || { echo "SKIP: no arm-none-eabi-gcc"; exit 77; }
map=$fw/stm32g474/cockpit-hv.map
[ -f "$map" ] || { echo "SKIP: no firmware in $fw"; exit 77; }
work=$fw/overflow
mkdir -p "$work"
objs=$(sed -n 's|^LOAD \(.*/obj/.*\.o\)$|\1|p' "$map")
flash=$(arm-none-eabi-size -A "$fw/stm32g474/cockpit-hv.elf" |
        awk '$1 == ".text" || $1 == ".data" || $1 == ".ARM.exidx" { s += $2 } END { print s }')
fail=0
try() {   # NAME FLASH-KB RAM-KB REGION
  cat > "$work/$1.ld" <<LD
MEMORY
{
  FLASH (rx)  : ORIGIN = 0x08004000, LENGTH = $2
  RAM   (rwx) : ORIGIN = 0x20000000, LENGTH = $3
}
STACK_SIZE = 4K;
INCLUDE cm_sections.ld
LD
  if arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -nostdlib -nostartfiles -Wl,--gc-sections \
       -L"$root/src/ports/cortex-m" -T"$work/$1.ld" -o "$work/$1.elf" $objs -lgcc \
       >"$work/$1.log" 2>&1; then
    echo "FAIL: $1: linked although it does not fit"; fail=1
  elif grep -q "region \`$4' overflowed" "$work/$1.log"; then
    echo "ok: $1 refused ($4 overflowed)"
  else
    echo "FAIL: $1: unexpected link error:"; head -5 "$work/$1.log"; fail=1
  fi
}
try flash_short $((flash - 4096)) 32K FLASH
try ram_short 40K 28K RAM
exit $fail
