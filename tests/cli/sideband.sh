#!/bin/sh
# sideband.sh CASE COCKPIT ROOT NULLMODEM -- `cockpit monitor`, `cockpit
# blackbox` and `cockpit flash --status` (docs/sideband.md) as processes.
#   usage   argument errors (2), a port that cannot be opened (1)
#   silent  a port nobody answers on: a clear "no answer" and exit 1
#   old     `cockpit device` (its bootloader and hypervisor answer runtime
#           requests UNKNOWN_CMD): monitor says so and keeps polling, exits
#           0 after --seconds and on SIGINT; flash --status is unchanged (no
#           runtime line, no "runtime" key, nothing on stderr); blackbox
#           stops with a clear message
#   fake    tests/cli/fake_rt.py, a device that speaks the sideband:
#           subscription, every kind of line in text and JSON, lost lines,
#           unknown kinds skipped, unsubscribing; flash --status's runtime
#           line and key; blackbox reading in two frames, clearing
set -u
case_=$1 ck=$2 root=$3 nm=$4
d=$(mktemp -d /tmp/cockpit-sideband.XXXXXX)
pid= mpid=
cleanup() {
  [ -n "$mpid" ] && kill "$mpid" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$d"
}
trap cleanup EXIT
cd "$d" || exit 1
fail() { echo "FAIL: $*"; for f in out err dev.err; do [ -s $f ] && { echo "--- $f"; cat $f; }; done; exit 1; }
wait_for() {   # wait_for PATH: up to 5 s for it to appear
  i=0
  while [ ! -e "$1" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "no $1 after 5 s"
    kill -0 "$pid" 2>/dev/null || fail "the device exited at start"
    sleep 0.05
  done
}
expect() {     # expect STATUS CMD...: run it into out/err, check the status
  want=$1; shift
  "$@" >out 2>err; st=$?
  [ "$st" -eq "$want" ] || fail "$* exited $st, not $want"
}

case $case_ in
usage)
  for c in monitor blackbox; do
    expect 2 "$ck" $c; grep -q -- "--uart PATH is required" err || fail "$c without --uart"
    expect 2 "$ck" $c --uart u --frob; grep -q "unknown option '--frob'" err || fail "$c --frob"
    expect 2 "$ck" $c --uart u extra; grep -q "unexpected argument 'extra'" err || fail "$c extra"
    expect 2 "$ck" $c --uart u --timeout-ms 0; grep -q "bad --timeout-ms" err || fail "$c timeout"
    expect 2 "$ck" $c --uart; grep -q "needs a value" err || fail "$c --uart without a value"
    expect 1 "$ck" $c --uart nowhere; grep -q "cannot open nowhere" err || fail "$c nowhere"
    [ -s out ] && fail "$c wrote on stdout"
  done
  expect 2 "$ck" monitor --uart u --seconds x; grep -q "bad --seconds value 'x'" err || fail "seconds x"
  expect 2 "$ck" monitor --uart u --seconds 0; grep -q "bad --seconds value '0'" err || fail "seconds 0"
  expect 0 "$ck" monitor --help; grep -q "^usage: cockpit monitor" out || fail "monitor help"
  expect 0 "$ck" blackbox --help; grep -q "^usage: cockpit blackbox" out || fail "blackbox help"
  ;;
silent)
  "$nm" ttyA ttyB 30 & pid=$!
  wait_for ttyB
  expect 1 "$ck" monitor --uart ttyB --timeout-ms 100 --seconds 5
  grep -q "cockpit monitor: ttyB: HELLO: no answer from the device" err || fail "monitor on silence"
  expect 1 "$ck" blackbox --uart ttyB --timeout-ms 100
  grep -q "cockpit blackbox: ttyB: BLACKBOX READ: no answer from the device" err || fail "blackbox on silence"
  ;;
old)
  "$ck" keygen k >/dev/null || fail keygen
  "$ck" device --flash img --uart uart --trust k.pub >dev.out 2>dev.err & pid=$!
  wait_for uart
  expect 0 "$ck" monitor --uart uart --seconds 2 --timeout-ms 3000
  grep -Eq "^[0-9]+\.[0-9]{3} monitor bootloader: the device answers no runtime requests" out || fail "no bootloader line"
  [ "$(grep -c bootloader out)" -eq 1 ] || fail "bootloader said more than once"
  expect 0 "$ck" monitor --uart uart --seconds 1 --json --timeout-ms 3000
  grep -q '^{ "type": "monitor", "t": [0-9.]*, "state": "bootloader", ' out || fail "json bootloader line"
  # interrupted: exit 0
  "$ck" monitor --uart uart --timeout-ms 3000 >out 2>err & mpid=$!
  sleep 1
  kill -INT "$mpid"; wait "$mpid"; st=$?; mpid=
  [ "$st" -eq 0 ] || fail "monitor interrupted exited $st"
  # flash --status: the old output, nothing new, nothing on stderr
  expect 0 "$ck" flash --uart uart --status --timeout-ms 3000
  grep -q "running: nothing" out || fail "status"
  grep -q "^runtime:" out && fail "a runtime line from a device without one"
  [ -s err ] && fail "status said something on stderr"
  expect 0 "$ck" flash --uart uart --status --json --timeout-ms 3000
  grep -q '"floor": 0' out || fail "json status"
  grep -q '"runtime"' out && fail "a runtime key from a device without one"
  expect 1 "$ck" blackbox --uart uart --timeout-ms 3000
  grep -q "answers no runtime requests (it is in its bootloader" err || fail "blackbox on a bootloader"
  kill "$pid"; wait "$pid"; pid=
  ;;
fake)
  python3 "$root/tests/cli/fake_rt.py" dev 60 2>dev.err & pid=$!
  wait_for dev
  expect 0 "$ck" monitor --uart dev --seconds 2 --timeout-ms 3000
  grep -Eq "^[0-9.]+ monitor subscribed: notifications 0x1e" out || fail "subscribed"
  grep -Eq "^[0-9.]+ heartbeat up [0-9.]+ s boot 1a2b3c4d running bank A trial host ready steps [0-9]+" out || fail heartbeat
  grep -Eq "^[0-9.]+ log 0: hello 0$" out || fail "log line"
  grep -Eq "^[0-9.]+ log 1-2 lost \(2 lines" out || fail "lost lines"
  grep -Eq "^[0-9.]+ telemetry up [0-9.]+ s uptime_ms=[0-9]+ steps=5000 guest temp=23$" out || fail telemetry
  grep -Eq "^[0-9.]+ event faulted: division by zero pc 40 bank A version 1.2.3$" out || fail event
  grep -q "heartbeat.* lost 2 log lines" out || fail "heartbeat's lost count"
  grep -Eq "missed|malformed|from the future" out && fail "an unknown kind was not skipped"
  grep -q "^14 0300000000$" dev.log || fail "not unsubscribed at the end"
  expect 0 "$ck" monitor --uart dev --seconds 1 --json --timeout-ms 3000
  grep -q '^{ "type": "heartbeat", "t": [0-9.]*, "uptime_ms": [0-9]*, "boot_id": 439041101, "vm_state": "running", "host_state": "ready", "bank": "A", "trial": true, ' out || fail "json heartbeat"
  grep -q '^{ "type": "event", .*"event": "faulted", "bank": "A", "value": 3, "fault": "division by zero", "pc": 40, "version": "1.2.3", "name": "" }$' out || fail "json event"
  grep -q '"values": \[ { "name": "uptime_ms", .* { "name": "temp", "value": 23, "guest": true } \] }$' out || fail "json telemetry"
  grep -q '^{ "type": "log", .*"text": "hello' out || fail "json log"
  # the subscription renewed: SET NOTIFY requests every 3 s
  expect 0 "$ck" monitor --uart dev --seconds 4 --timeout-ms 3000
  [ "$(grep -c '^14 031e000000$' dev.log)" -ge 4 ] || fail "no renewal: $(cat dev.log)"
  # flash --status: the runtime line and key
  expect 0 "$ck" flash --uart dev --status --timeout-ms 3000
  grep -q "^A\*    confirmed  1.2.3" out || fail "banks"
  grep -q "^runtime: vm running, host ready, up 12.3 s, boot count 4, last reset watchdog$" out || fail "runtime line"
  expect 0 "$ck" flash --uart dev --status --json --timeout-ms 3000
  grep -q '"running": "A"' out && grep -q '"reset_reason": "watchdog"' out && grep -q '"program": "blink.c"' out || fail "runtime json"
  # blackbox: three records over two READs, then cleared
  expect 0 "$ck" blackbox --uart dev --timeout-ms 3000
  [ "$(grep -c '^#[0-9]' out)" -eq 3 ] || fail "records"
  expect 0 "$ck" blackbox --uart dev --json --timeout-ms 3000
  python3 -c 'import json,sys; a=json.load(open("out")); assert len(a) == 3, a' || fail "blackbox json"
  expect 0 "$ck" blackbox --uart dev --clear --timeout-ms 3000
  grep -q "^cleared 3 records$" out || fail "clear"
  grep -q "^13 0103000000$" dev.log || fail "CLEAR not below the last next"
  expect 0 "$ck" blackbox --uart dev --timeout-ms 3000
  grep -q "^no records (0 held)$" out || fail "not cleared"
  ;;
*) fail "unknown case $case_" ;;
esac
echo "sideband $case_: ok"
