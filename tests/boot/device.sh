#!/bin/sh
# device.sh CASE COCKPIT ROOT -- `cockpit device` and `cockpit flash` as
# processes, talking over the device's pty.
#   cli  usage errors, install/confirm/status/revert, the device refusing
#        unsigned, foreign-key and rolled-back artifacts, JSON status
#   serial  the device on a serial device it did not make (two ptys wired
#        back to back by nullmodem, the client on the other end)
#   trial   the hypervisor's trial supervision: a trial not confirmed in
#        time is reset and reverted, one that faults is rejected and the
#        previous program runs again, CONFIRM by command
#   cut  power cuts in the real device process (--cut-power-after) during an
#        install: after a restart it runs the old or the new program, and a
#        retried install completes
set -u
case_=$1 ck=$2 root=$3 nm=${4:-}
d=$(mktemp -d /tmp/cockpit-device.XXXXXX)
pid= nmpid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ -n "$nmpid" ] && kill "$nmpid" 2>/dev/null
  rm -rf "$d"
}
trap cleanup EXIT
cd "$d" || exit 1
fail() { echo "FAIL: $*"; echo "--- device log"; cat dev.err 2>/dev/null; exit 1; }

start() {   # start [device options]: the device on ./uart with ./img
  rm -f uart  # a link left by a killed device must not pass for the new one
  "$ck" device --flash img --uart uart --trust k.pub --health-ms 300 "$@" >>dev.out 2>>dev.err &
  pid=$!
  i=0
  while [ ! -e uart ]; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "no pty after 5 s"
    kill -0 "$pid" 2>/dev/null || fail "device exited at start"
    sleep 0.05
  done
}
stop() {    # stop: interrupt the device, its exit status in $st
  kill "$pid" 2>/dev/null; wait "$pid"; st=$?; pid=
}
# Answers normally come in milliseconds; the generous wait (FL_MS) keeps a
# loaded machine (parallel tests, a shared CI host) from failing the test.
# Calls that are meant to go unanswered use a short wait of their own.
fl() { "$ck" flash --uart uart --timeout-ms "${FL_MS:-3000}" --quiet "$@"; }
running() { fl --status | grep '^[AB]\*' ; }

"$ck" keygen k >/dev/null || fail keygen
"$ck" keygen other >/dev/null || fail keygen
sed 's/500/250/' "$root/examples/blink.s" > fast.s
"$ck" asm "$root/examples/blink.s" -o old.cvm1 --version 1.0.0 --counter 1 --key k.key || fail asm
"$ck" asm fast.s -o new.cvm1 --version 2.0.0 --counter 2 --key k.key || fail asm

case $case_ in
cli)
  "$ck" device --uart u 2>/dev/null; [ $? -eq 2 ] || fail "device without --flash"
  "$ck" device --flash img 2>/dev/null; [ $? -eq 2 ] || fail "device without --uart"
  "$ck" device --flash img --uart u --cut-power-after x 2>/dev/null; [ $? -eq 2 ] || fail "bad number"
  "$ck" device --flash img --uart u --trust nope.pub 2>/dev/null; [ $? -eq 1 ] || fail "missing key"
  "$ck" flash old.cvm1 2>/dev/null; [ $? -eq 2 ] || fail "flash without --uart"
  "$ck" flash --uart uart 2>/dev/null; [ $? -eq 2 ] || fail "flash without artifact"
  "$ck" flash --uart uart --status old.cvm1 2>/dev/null; [ $? -eq 2 ] || fail "status with artifact"
  "$ck" flash --uart uart --json old.cvm1 2>/dev/null; [ $? -eq 2 ] || fail "json without status"
  "$ck" flash --uart nowhere --status 2>err; [ $? -eq 1 ] && grep -q "cannot open nowhere" err || fail "no port"
  touch regular
  "$ck" device --flash img --uart regular 2>err; [ $? -eq 1 ] && grep -q "will not replace" err || fail "replaced a file"
  start
  fl --status | grep -q "running: nothing" || fail "empty device status"
  fl --revert 2>err; [ $? -eq 1 ] && grep -q "no such bank" err || fail "revert with nothing running"
  "$ck" asm "$root/examples/blink.s" -o uns.cvm1 || fail asm
  "$ck" asm "$root/examples/blink.s" -o foreign.cvm1 --key other.key || fail asm
  fl uns.cvm1 2>err; [ $? -eq 1 ] && grep -q "refused VERIFY.*UNSIGNED" err || fail "unsigned accepted: $(cat err)"
  fl foreign.cvm1 2>err; [ $? -eq 1 ] && grep -q "refused VERIFY.*UNKNOWN_KEY" err || fail "foreign key accepted"
  fl old.cvm1 > out || fail "install old: $(cat out)"
  grep -q "installed in bank A; running on trial" out || fail "old not on trial: $(cat out)"
  sleep 1.5
  running | grep -q "confirmed  1.0.0" || fail "old not confirmed by the health check"
  fl new.cvm1 --confirm > out || fail "install new"
  grep -q "installed in bank B; running, confirmed" out || fail "new: $(cat out)"
  fl new.cvm1 --confirm | grep -q "already in bank B" || fail "reinstall not noticed"
  fl old.cvm1 2>err; [ $? -eq 1 ] && grep -q "refused BEGIN.*floor.*floor is 2" err || fail "rollback accepted"
  fl --status --json > st.json || fail "json status"
  grep -q '"running": "B"' st.json && grep -q '"floor": 2' st.json && grep -q '"check": "ROLLBACK"' st.json || fail "json: $(cat st.json)"
  fl --revert 2>err; [ $? -eq 1 ] && grep -q "nothing to revert to" err || fail "revert below the floor"
  "$ck" asm fast.s -o new2.cvm1 --version 2.0.1 --counter 2 --key k.key || fail asm
  fl new2.cvm1 --confirm >/dev/null || fail "install new2"
  fl --revert | grep -q "bank A rejected, now running bank B" || fail "revert"
  running | grep -q "2.0.0" || fail "not back on 2.0.0"
  stop
  [ "$st" -eq 0 ] || fail "device exit status $st"
  grep -q "rejected: reverted by command" dev.err || fail "revert not logged"
  grep -q "gpio\|device: boot" dev.err || fail "no boot lines"
  echo "device cli: ok"
  ;;
trial)
  cat > late.s <<'ASM'
.global n
.entry setup loop
.func setup 0
        RET0
.end
.func loop 0
        LDG     r1, n
        ADDI    r1, r1, 1
        STG     r1, n
        LDI     r0, 100
        SYS     r0, delay, 1
        JLTI    r1, 4, ok
        LDI     r2, 0
        DIV     r1, r1, r2
ok:     RET0
.end
ASM
  "$ck" asm late.s -o late.cvm1 --version 3.0.0 --counter 3 --key k.key || fail asm
  start --health-ms 0 --trial-ms 500
  fl old.cvm1 > out || fail "install: $(cat out)"
  sleep 2.5
  fl --status | grep -q "^A     rejected .*(trial ended without confirmation" || fail "no watchdog revert: $(fl --status)"
  fl --status | grep -q "running: nothing" || fail "something runs"
  fl old.cvm1 --confirm > out || fail "reinstall: $(cat out)"
  grep -q "installed in bank B; running, confirmed" out || fail "confirm by command: $(cat out)"
  stop
  start --health-ms 1000
  fl late.cvm1 > out || fail "late: $(cat out)"
  grep -q "installed in bank A; running on trial" out || fail "late not on trial: $(cat out)"
  sleep 2
  fl --status > st || fail status
  grep -q "^B\*    confirmed  1.0.0" st || fail "not back on old: $(cat st)"
  grep -q "^A     rejected .*(the program faulted on trial)" st || fail "fault not recorded: $(cat st)"
  stop
  grep -q "trial not confirmed within 500 ms: watchdog reset" dev.err || fail "watchdog not logged"
  grep -q "trial confirmed by command" dev.err || fail "confirm not logged"
  grep -q "program: fault: division by zero" dev.err || fail "fault not logged"
  grep -q "trial rejected: the program faulted; resetting" dev.err || fail "reject not logged"
  echo "device trial: ok"
  ;;
serial)
  "$nm" ttyA ttyB 60 & nmpid=$!
  i=0
  while [ ! -e ttyB ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "no null modem"; sleep 0.05; done
  "$ck" device --flash img --uart ttyA --trust k.pub --health-ms 200 >>dev.out 2>>dev.err &
  pid=$!
  sleep 0.3
  grep -q "serial port ttyA" dev.err || fail "device did not open ttyA"
  [ -L ttyA ] || fail "the device replaced the serial device's link"
  "$ck" flash --uart ttyB --quiet --timeout-ms 3000 old.cvm1 --confirm > out || fail "install over ttyB: $(cat out)"
  grep -q "installed in bank A; running, confirmed" out || fail "serial: $(cat out)"
  "$ck" flash --uart ttyB --status | grep -q '^A\*    confirmed  1.0.0' || fail "serial status"
  stop
  kill "$nmpid" 2>/dev/null
  echo "device serial: ok"
  ;;
cut)
  # flash operations of installing old, and of old then new
  start; fl old.cvm1 --confirm >/dev/null || fail "old"; stop
  o=$(sed -n 's/.*stopped after \([0-9]*\) flash operations.*/\1/p' dev.err | tail -1)
  rm -f img; start; fl old.cvm1 --confirm >/dev/null || fail "old"; fl new.cvm1 --confirm >/dev/null || fail "new"; stop
  t=$(sed -n 's/.*stopped after \([0-9]*\) flash operations.*/\1/p' dev.err | tail -1)
  [ -n "$o" ] && [ -n "$t" ] && [ "$t" -gt "$o" ] || fail "op counts $o $t"
  n=0
  for k in $(seq $((o + 1)) "$t"); do
    rm -f img
    : > dev.err
    start --cut-power-after "$k" --cut-seed "$k"
    fl old.cvm1 --confirm >/dev/null || fail "old before cut $k"
    "$ck" flash --uart uart --timeout-ms 400 --quiet new.cvm1 --confirm >/dev/null 2>&1  # dies under it
    wait "$pid"; st=$?; pid=
    [ "$st" -eq 99 ] || fail "cut at $k: device exit status $st"
    grep -q "power cut" dev.err || fail "cut at $k not reported"
    start
    line=$(running) || fail "cut at $k: nothing runs"
    echo "$line" | grep -Eq "(1\.0\.0|2\.0\.0) .* ok$" || fail "cut at $k: runs $line"
    fl new.cvm1 --confirm >/dev/null || fail "cut at $k: retried install failed"
    running | grep -q "confirmed  2.0.0" || fail "cut at $k: new not confirmed"
    stop
    n=$((n + 1))
  done
  echo "device cut: $n power cuts in the real device process (operations $((o + 1))..$t of installing new) recovered"
  ;;
*) fail "unknown case $case_" ;;
esac
