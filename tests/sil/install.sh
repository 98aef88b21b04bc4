#!/bin/bash
# install.sh COCKPIT FIRMWARE WORK -- the bootloader on the emulated part:
# a device with erased banks waits for an install on its link (UART1, a
# pty here); `cockpit flash` installs version 1 into bank A, the device
# verifies it, reboots into it as a trial, and the hypervisor confirms it
# over the link; then version 2 goes into bank B while version 1 runs (the
# hypervisor serves the link between guest slices) and takes over after
# the next reboot. Real time (--realtime), so the host has time to talk.
# Exits 77 without QEMU or firmware.
set -u
cockpit=$1 fw=$2 work=$3
[ -f "$fw/mps2-an386/board.txt" ] || { echo "SKIP: no firmware in $fw"; exit 77; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "SKIP: qemu-system-arm not installed"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

for v in 1 2; do
  cat > v$v.c <<PROG
#include <cockpit.h>
#include <stdio.h>
int n;
void setup(void) { printf("version $v running\n"); pinMode(13, OUTPUT); }
void loop(void) { digitalWrite(13, n & 1); n++; telemetry("n", n); if (n % 10 == 0) printf("tick %d\n", n); delay(50); }
PROG
  "$cockpit" build v$v.c --version $v.0.0 --counter $v -o v$v.cvm1 >/dev/null || exit 1
done

"$cockpit" sil --firmware "$fw" --empty --link "$work/link" --realtime --max-ms 9000 \
  --timeout 60 >sil.out 2>sil.err &
sil=$!
for _ in $(seq 50); do [ -e link ] && break; sleep 0.1; done

fail=0
step() {   # NAME COMMAND...: must succeed
  local name=$1
  shift
  if "$@" >"$name.log" 2>&1; then echo "ok: $name: $(tail -1 "$name.log")"
  else echo "FAIL: $name"; cat "$name.log"; fail=1; fi
}
step install_v1 "$cockpit" flash --uart link v1.cvm1 --confirm --quiet --timeout-ms 3000
step status_v1 "$cockpit" flash --uart link --status
step update_v2 "$cockpit" flash --uart link v2.cvm1 --confirm --quiet --timeout-ms 3000
# The runtime's sideband over the emulated UART: status, heartbeats, the
# guest's lines and telemetry, as on the simulated device.
step status_v2 "$cockpit" flash --uart link --status --timeout-ms 3000
step monitor_v2 "$cockpit" monitor --uart link --seconds 3 --json --timeout-ms 3000
wait $sil
st=$?

grep -q "bank A.*confirmed\|confirmed" status_v1.log || { echo "FAIL: status shows no confirmed bank"; fail=1; }
grep -q "^runtime: vm \(running\|sleeping\)" status_v2.log || { echo "FAIL: no runtime status"; cat status_v2.log; fail=1; }
[ "$(grep -c '"type": "heartbeat"' monitor_v2.log)" -ge 2 ] || { echo "FAIL: heartbeats"; cat monitor_v2.log; fail=1; }
grep -q '"type": "log".*tick' monitor_v2.log || { echo "FAIL: no guest lines on the sideband"; fail=1; }
grep -q '"name": "n"' monitor_v2.log || { echo "FAIL: no guest telemetry on the sideband"; fail=1; }
printf 'version 1 running\nversion 2 running\n' >want.out
if grep -v "^tick" sil.out | cmp -s want.out -; then echo "ok: the device ran version 1, then version 2"
else echo "FAIL: guest output:"; cat sil.out; fail=1; fi
grep -q "waiting for an install" sil.err || { echo "FAIL: no wait for an install"; fail=1; }
grep -q "running bank B on trial" sil.err || { echo "FAIL: version 2 did not boot from bank B"; fail=1; }
[ $st = 0 ] || { echo "FAIL: cockpit sil status $st"; fail=1; }
[ $fail = 0 ] || { echo "device messages:"; cat sil.err; }
exit $fail
