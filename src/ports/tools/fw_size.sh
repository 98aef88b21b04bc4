#!/bin/sh
# fw_size.sh [--check] FIRMWARE [BOARD...] -- the footprint of every
# firmware image, per module, read from the linker's map files: flash
# (code, read-only data, initial values of data) and RAM (data, bss,
# stack) against the image's regions. With --check, fail when the VM
# interpreter plus verifier exceed 8 KB (VM_BUDGET) in a hypervisor (the
# regions themselves are enforced by the link).
check=0
[ "${1:-}" = --check ] && { check=1; shift; }
fw=$1; shift
boards=${*:-$(cd "$fw" && for d in */; do [ -f "$d/cockpit-hv.map" ] && echo "${d%/}"; done)}
VM_BUDGET=${VM_BUDGET:-8192}
status=0
for b in $boards; do
  for map in "$fw/$b"/cockpit-*.map; do
    [ -f "$map" ] || continue
    awk -v image="$b/$(basename "$map" .map)" -v check=$check -v budget=$VM_BUDGET '
      function hex(s,    v, k) {
        s = tolower(s); sub(/^0x/, "", s); v = 0
        for (k = 1; k <= length(s); k++) v = v * 16 + index("0123456789abcdef", substr(s, k, 1)) - 1
        return v
      }
      function module(path, sec) {
        if (sec ~ /vm_mem$/) return "vm memory (guest, static)"
        if (path ~ /src\/vm\/cvm_exec\.o/) return "vm interpreter"
        if (path ~ /src\/vm\/cvm_verify\.o/) return "vm verifier"
        if (path ~ /src\/vm\/cvm_(isa|vm)\.o/) return "vm tables, instance"
        if (path ~ /src\/vm\/cvm_(host|printf)\.o/) return "host ABI, printf"
        if (path ~ /src\/artifact\//) return "artifact reader, policy"
        if (path ~ /src\/common\/(sha|ed25519)/) return "crypto (SHA-2, Ed25519)"
        if (path ~ /src\/boot\//) return "bootloader core"
        if (path ~ /src\/link\// || path ~ /src\/common\/crc32/) return "protocol (link)"
        if (path ~ /src\/run\/run_step/) return "runtime stepper"
        if (path ~ /src\/run\// || path ~ /src\/vm\/cvm_debug/) return "runtime supervisor"
        if (path ~ /src\/bbox\//) return "blackbox"
        if (path ~ /src\/oled\//) return "status display"
        if (path ~ /src\/ports\/hv\//) return "hypervisor core"
        if (path ~ /src\/ports\//) return "HAL, start-up"
        if (path ~ /libgcc/) return "libgcc"
        return "other"
      }
      function add(sz, path, sec,    m) {
        if (sz == 0) return
        m = module(path, sec)
        if (!(m in flash)) { order[++n] = m; flash[m] = 0; ram[m] = 0 }
        if (out == ".text" || out == ".ARM.exidx") flash[m] += sz
        else if (out == ".data") { flash[m] += sz; ram[m] += sz }
        else if (out == ".bss") ram[m] += sz
      }
      /^FLASH / && !mem { flen = hex($3) }
      /^RAM / && !mem { rlen = hex($3) }
      /^Linker script and memory map/ { mem = 1; next }
      !mem { next }
      /^\.[A-Za-z_]/ { out = $1; if ($1 == ".stack" && NF >= 3) stack = hex($3); pend = ""; next }
      /^ \*fill\*/ { next }
      /^ \.[^ ]+ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add(hex($3), $4, $1); next }
      /^ \.[^ ]+$/ { pend = $1; next }
      pend != "" && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add(hex($2), $3, pend); pend = ""; next }
      { pend = "" }
      END {
        printf "%s\n", image
        printf "  %-26s %8s %8s\n", "module", "flash", "RAM"
        for (i = 1; i <= n; i++) {
          m = order[i]
          printf "  %-26s %8d %8d\n", m, flash[m], ram[m]
          tf += flash[m]; tr += ram[m]
        }
        if (stack) printf "  %-26s %8s %8d\n", "stack", "", stack
        printf "  %-26s %8d %8d\n", "total", tf, tr + stack
        printf "  %-26s %8d %8d\n", "budget (link regions)", flen, rlen
        vm = flash["vm interpreter"] + flash["vm verifier"]
        if (vm) {
          printf "  vm interpreter + verifier: %d bytes of flash (goal %d)\n", vm, budget
          if (check && vm > budget) { print "  FAIL: over the goal"; exit 1 }
        }
      }' "$map" || status=1
  done
done
exit $status
