#!/bin/bash
# device.sh COCKPIT FIRMWARE WORK -- what only the emulated device decides:
# its trust store and anti-rollback floor (SIL harness page), tampered
# artifacts refused by its own digest check, its fixed VM memory, the host
# time limit, and cockpit sil's usage errors. Exits 77 without QEMU or
# firmware.
set -u
cockpit=$1 fw=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
board=mps2-an386
[ -f "$fw/$board/board.txt" ] || { echo "SKIP: no firmware in $fw"; exit 77; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "SKIP: qemu-system-arm not installed"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

fails=0
# expect NAME STATUS STDOUT-GREP STDERR-GREP -- ARGS...
expect() {
  local name=$1 want=$2 out=$3 err=$4
  shift 5
  "$cockpit" sil --firmware "$fw" "$@" >"$name.out" 2>"$name.err" </dev/null
  local st=$?
  local ok=1
  [ "$st" = "$want" ] || ok=0
  [ -z "$out" ] || grep -q -e "$out" "$name.out" || ok=0
  [ -z "$err" ] || grep -q -e "$err" "$name.err" || ok=0
  if [ $ok = 1 ]; then
    echo "ok: $name"
  else
    echo "FAIL: $name: status $st (want $want), stdout/stderr:"
    head -5 "$name.out" "$name.err"
    fails=$((fails + 1))
  fi
}

prog=$here/progs/exit_status.c
"$cockpit" build "$prog" -o plain.cvm1 >/dev/null || exit 1
"$cockpit" keygen dev >/dev/null && "$cockpit" keygen other >/dev/null || exit 1
"$cockpit" build "$prog" --key dev.key --counter 5 -o signed.cvm1 >/dev/null || exit 1

# Trust store and anti-rollback, decided by the device.
expect unsigned_dev 42 forty-two "" -- plain.cvm1
expect unsigned_refused 1 "" "refused by the device (bank A): artifact is not signed" -- plain.cvm1 --trust dev.pub
expect signed_trusted 42 forty-two "" -- signed.cvm1 --trust dev.pub
expect wrong_key 1 "" "not in the trust store" -- signed.cvm1 --trust other.pub
expect floor_ok 42 forty-two "" -- signed.cvm1 --trust dev.pub --counter-floor 5
expect rollback 1 "" "rollback refused" -- signed.cvm1 --trust dev.pub --counter-floor 6

# A flipped byte inside the code: the host reads the structure only, the
# device's digest check refuses it.
cp plain.cvm1 tampered.cvm1
size=$(stat -c %s plain.cvm1)
off=$((size / 3))
printf '\x5a' | dd of=tampered.cvm1 bs=1 seek=$off conv=notrunc status=none
expect tampered 1 "" "refused by the device" -- tampered.cvm1

# The device has 24 KB of VM memory; the simulated board allocates more.
cat > big.c <<'PROG'
#include <stdio.h>
int big[8000];
int main(void) { big[7999] = 1; printf("%d\n", big[7999]); return 0; }
PROG
expect memory 1 "" "VM memory is too small" -- big.c
"$cockpit" run big.c >/dev/null 2>&1 && echo "ok: memory_sim (the simulated board runs it)" ||
  { echo "FAIL: memory_sim"; fails=$((fails + 1)); }

# A program that never ends without a limit: the host time limit stops it.
cat > forever.c <<'PROG'
int main(void) { unsigned x = 0; for (;;) x++; return (int)x; }
PROG
expect host_timeout 75 "" "host time limit of 2 s" -- forever.c --timeout 2
expect max_ms 75 "" "time limit reached" -- forever.c --max-ms 20

# The I2C bus is real on the emulated board: QEMU's TMP105 at 0x48 answers
# (configuration 0, 0.0 degC), an absent address does not.
cat > i2c.c <<'PROG'
#include <cockpit.h>
#include <stdio.h>
int main(void) {
  uint8_t reg[1] = { 1 };
  uint8_t buf[2] = { 0xAA, 0xAA };
  int r = i2c_write_read(0x48, reg, 1, buf, 1);
  printf("config r=%d %02x\n", r, buf[0]);
  reg[0] = 0;
  r = i2c_write_read(0x48, reg, 1, buf, 2);
  printf("temp r=%d %02x %02x\n", r, buf[0], buf[1]);
  printf("absent %d\n", i2c_write(0x21, reg, 1));
  return 0;
}
PROG
expect i2c_tmp105 0 "temp r=0 00 00" "" -- i2c.c
grep -q "config r=0 00" i2c_tmp105.out && grep -q "absent -2" i2c_tmp105.out &&
  echo "ok: i2c_ack_nack" || { echo "FAIL: i2c_ack_nack"; cat i2c_tmp105.out; fails=$((fails + 1)); }

# Usage and set-up errors.
expect no_program 2 "" "no program" --
expect button 2 "" "simulated-board options" -- "$prog" --button 1:2
expect bad_timeout 2 "" "bad --timeout" -- "$prog" --timeout 0
expect no_board 1 "" "no firmware for board 'nosuch'" -- "$prog" --board nosuch
expect bad_board 2 "" "bad board name" -- "$prog" --board ../x
expect missing_file 1 "" "cannot\|No such file" -- nosuch.cvm1
"$cockpit" sil --help | grep -q "emulated hardware" && echo "ok: help" ||
  { echo "FAIL: help"; fails=$((fails + 1)); }

# The flash image is kept on request, laid out as on the part.
expect keep_image 42 forty-two "" -- plain.cvm1 --image flash.bin
if [ "$(stat -c %s flash.bin 2>/dev/null)" = $((0x21000)) ] &&
   cmp -s -n "$size" <(tail -c +$((0x10000 + 1)) flash.bin) plain.cvm1; then
  echo "ok: image_layout (artifact at bank A, 0x10000)"
else
  echo "FAIL: image_layout"; fails=$((fails + 1))
fi

[ $fails = 0 ] || { echo "$fails failed"; exit 1; }
