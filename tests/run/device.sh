#!/bin/sh
# device.sh CASE COCKPIT ROOT -- the device runtime (src/run) in the real
# `cockpit device` process on a pty, watched and steered by `cockpit
# monitor`, `cockpit blackbox` and `cockpit flash` (docs/sideband.md).
#   hostile    guests that busy-loop, flood printf, flood telemetry, fault
#              at once on trial, fault later when confirmed: heartbeats keep
#              their 1 s interval, flash --status answers, an install over
#              them works; lost lines are counted and accounted for; the
#              telemetry rate limit counts what it drops
#   watchdog   a stalled host loop (--stall-host-ms) is reset by the
#              watchdog: last reset watchdog, the program runs again, a
#              watchdog record; a busy guest alone causes no reset
#   blackbox   a fault's record (kind, file, line, function) survives a
#              restart of the device process, --clear empties it, new
#              records number on; a faulting trial: fault + reverted records
#              and the previous program runs
#   notify     no notifications to a client that did not ask; a killed
#              monitor's lease keeps them flowing and flash still works;
#              silent again once the lease lapses
#   bootloader flash --enter-bootloader: HELLO mode bootloader, no runtime,
#              monitor says so, an install runs on trial; asked twice (in a
#              row and at once) it is harmless
#   telemetry  guest values (telemetry, event_emit) and the host's in samples
#              once a second, with the latest values
#   oled       --oled: the status display read back from its picture (dark
#              in the bootloader; id and bank, program and version, VM state
#              and trial, link, uptime ticking); a faulting trial reverts
#              and the screen says so; a guest's fault shows as FAULT
set -u
case_=$1 ck=$2 root=$3
d=$(mktemp -d /tmp/cockpit-rundev.XXXXXX)
pid= mpid=
cleanup() {
  [ -n "$mpid" ] && kill "$mpid" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$d"
}
trap cleanup EXIT
cd "$d" || exit 1
t_start=$(date +%s.%N)
fail() {
  echo "FAIL ($case_): $*"
  for f in out err; do [ -s $f ] && { echo "--- $f"; head -c 4000 $f; }; done
  echo "--- device log"; tail -n 60 dev.err 2>/dev/null
  exit 1
}
note() { printf '%6.2f s  %s\n' "$(echo "$(date +%s.%N) - $t_start" | bc)" "$*"; }

start() {   # start [device options]: the device on ./uart with ./img
  rm -f uart  # a link left by a killed device must not pass for the new one
  "$ck" device --flash img --uart uart "$@" >/dev/null 2>>dev.err &   # stdout: the guests' floods
  pid=$!
  i=0
  while [ ! -e uart ]; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "no pty after 5 s"
    kill -0 "$pid" 2>/dev/null || fail "device exited at start"
    sleep 0.05
  done
}
stop() {    # stop: interrupt the device (by its pid), its exit status in $st
  kill "$pid" 2>/dev/null; wait "$pid"; st=$?; pid=
}
# Answers come in milliseconds; FL_MS is generous for a loaded machine. The
# checks that a hostile guest leaves the device responsive use the
# client's default (1000 ms) on purpose.
fl() { "$ck" flash --uart uart --timeout-ms "${FL_MS:-3000}" --quiet "$@"; }
# build NAME VERSION: NAME.c (on stdin) into NAME.cvm1
build() {
  cat > "$1.c"
  "$ck" build "$1.c" -o "$1.cvm1" --version "$2" --counter 1 >/dev/null 2>err || fail "build $1: $(cat err)"
}
# status: flash --status --json into st.json; rt KEY: a key of its runtime
status() { fl --status --json > st.json 2>err || fail "flash --status: $(cat err)"; }
rt() { sed -n "s/^ *\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" st.json; }
chk() { python3 "$d/chk.py" "$@" || fail "check $1 $2"; }
# rawread SECONDS [DRAIN]: bytes the raw pty gives in SECONDS (after
# discarding what arrives in the first DRAIN seconds)
rawread() { python3 "$d/chk.py" raw uart "$1" "${2:-0}"; }
# install ART VERSION: flash it, see it run, and wait for the health check
# to confirm it (up to 3 s)
install() {
  fl "$1" > out 2>err || fail "install $1: $(cat err)"
  grep -q "installed in bank [AB]; running on trial" out || fail "install $1: $(cat out)"
  i=0
  while status; [ "$(rt trial)" = true ]; do
    i=$((i + 1)); [ $i -gt 30 ] && fail "$1 not confirmed: $(cat st.json)"
    sleep 0.1
  done
  [ "$(rt program)" = "${1%.cvm1}.c" ] || fail "$1 does not run: $(cat st.json)"
  python3 "$d/chk.py" runver st.json "$2" || fail "$1 not running version $2"
}
# monitor SECONDS: monitor --json into mon.json in the background ($mpid)
monitor_bg() {
  "$ck" monitor --uart uart --json --seconds "$1" --timeout-ms 3000 > mon.json 2>mon.err &
  mpid=$!
}
monitor_wait() {
  wait "$mpid"; mst=$?; mpid=
  [ "$mst" -eq 0 ] || fail "monitor exited $mst: $(cat mon.err)"
}

cat > chk.py <<'PY'
import json, os, select, sys, time

def lines(path):
    out = []
    for l in open(path):
        l = l.strip()
        if l:
            out.append(json.loads(l))
    return out

def die(msg):
    print("check:", msg)
    sys.exit(1)

def gaps(ts, what, lo=0.65, hi=1.35, least=3):
    if len(ts) < least:
        die("%d %s, wanted at least %d" % (len(ts), what, least))
    g = [round(b - a, 3) for a, b in zip(ts, ts[1:])]
    bad = [x for x in g if not lo <= x <= hi]
    if bad:
        die("%s gaps %s (want %.2f..%.2f s)" % (what, g, lo, hi))
    return g

cmd = sys.argv[1]
if cmd == "get":                     # get FILE a.b.c
    v = json.load(open(sys.argv[2]))
    for k in sys.argv[3].split("."):
        v = v[int(k)] if isinstance(v, list) else v[k]
    print(str(v).lower() if isinstance(v, bool) else v)
elif cmd == "runver":                # runver STATUS.json X.Y.Z
    s = json.load(open(sys.argv[2]))
    run = [b for b in s["banks"] if b["running"]]
    if not run or run[0]["version"] != sys.argv[3] or "runtime" not in s:
        die("running %s, wanted %s" % ([b["version"] for b in run], sys.argv[3]))
    if s["runtime"]["vm_state"] not in ("running", "sleeping"):
        die("vm %s" % s["runtime"]["vm_state"])
elif cmd == "hb":                    # hb MON.json: heartbeats every second
    L = lines(sys.argv[2])
    hb = [o for o in L if o["type"] == "heartbeat"]
    g = gaps([o["t"] for o in hb], "heartbeats")
    ids = set(o["boot_id"] for o in hb)
    if len(ids) != 1:
        die("heartbeats from boots %s" % ids)
    up = [o["uptime_ms"] for o in hb]
    if up != sorted(up):
        die("uptime not increasing %s" % up)
    print("%d heartbeats, gaps %s" % (len(hb), g))
elif cmd == "logs":                  # logs MON.json: numbered, gaps = lost
    L = lines(sys.argv[2])
    logs = [o for o in L if o["type"] == "log"]
    hb = [o for o in L if o["type"] == "heartbeat"]
    if len(logs) < 10:
        die("only %d log lines" % len(logs))
    prev = None
    lost = 0
    for o in logs:
        if prev is not None:
            if o["line"] <= prev:
                die("line %d after %d" % (o["line"], prev))
            if o["line"] - prev - 1 != o["lost"]:
                die("line %d after %d, but lost %d" % (o["line"], prev, o["lost"]))
        lost += o["lost"]
        prev = o["line"]
    hl = max(o["log_lost"] for o in hb)
    if hl == 0 and lost == 0:
        die("a flood and nothing lost: heartbeat log_lost 0, lines' lost 0")
    missed = sum(o["count"] for o in L if o["type"] == "missed")
    # the text is the line's number (the guest prints "flood N")
    for o in logs:
        if o["text"] != "flood %d" % o["line"]:
            die("line %d is %r" % (o["line"], o["text"]))
    print("%d lines %d..%d, %d lost in between, heartbeat log_lost %d, notifications missed %d"
          % (len(logs), logs[0]["line"], logs[-1]["line"], lost, hl, missed))
elif cmd == "events":                # events MON.json: the event names
    print(" ".join(o["event"] for o in lines(sys.argv[2]) if o["type"] == "event"))
elif cmd == "tel":                   # tel MON.json: telemetry samples
    L = lines(sys.argv[2])
    tel = [o for o in L if o["type"] == "telemetry"]
    g = gaps([o["t"] for o in tel], "telemetry samples")
    steps = []
    for o in tel:
        v = {x["name"]: x for x in o["values"]}
        for k in ("uptime_ms", "steps", "faults", "stack_free", "link_errors"):
            if k not in v or v[k]["guest"]:
                die("host value %s missing: %s" % (k, o))
        for k in ("temp", "ticks"):
            if k not in v or not v[k]["guest"]:
                die("guest value %s missing: %s" % (k, o))
        up = o["uptime_ms"]
        if abs(v["uptime_ms"]["value"] - up) > 5:
            die("uptime_ms %d in a sample at %d" % (v["uptime_ms"]["value"], up))
        if v["faults"]["value"] != 0 or v["link_errors"]["value"] != 0:
            die("faults or link errors: %s" % o)
        if not 0 < v["stack_free"]["value"] <= 65536:
            die("stack_free %d" % v["stack_free"]["value"])
        # the guest: every 100 ms ticks = n, temp = 1000 + n (set first)
        n, temp = v["ticks"]["value"], v["temp"]["value"]
        if temp - 1000 not in (n, n + 1):
            die("temp %d with ticks %d" % (temp, n))
        want = up // 100
        if not want - 3 <= n <= want + 1:
            die("ticks %d at %d ms: not the latest value" % (n, up))
        steps.append(v["steps"]["value"])
    if any(b <= a for a, b in zip(steps, steps[1:])):
        die("steps not growing: %s" % steps)
    print("%d samples, gaps %s, steps %s" % (len(tel), g, steps))
elif cmd == "bbox":                  # bbox FILE KIND...: the kinds, in order
    recs = json.load(open(sys.argv[2]))
    kinds = [r["kind"] for r in recs]
    if kinds != sys.argv[3:]:
        die("records %s, wanted %s" % (kinds, sys.argv[3:]))
    seqs = [r["seq"] for r in recs]
    if seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
        die("seqs %s" % seqs)
elif cmd == "raw":                   # raw PTY SECONDS DRAIN: bytes arriving
    fd = os.open(sys.argv[2], os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    secs, drain = float(sys.argv[3]), float(sys.argv[4])
    n = 0
    t0 = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= t0 + drain + secs:
            break
        r, _, _ = select.select([fd], [], [], t0 + drain + secs - now)
        if r:
            try:
                b = os.read(fd, 4096)
            except BlockingIOError:
                continue
            if time.monotonic() >= t0 + drain:
                n += len(b)
    print(n)
else:
    die("unknown check " + cmd)
PY

good() {    # good NAME VERSION: a well-behaved program that prints
  build "$1" "$2" <<'C'
#include "cockpit.h"
int n;
void setup(void) { printf("good starts\n"); }
void loop(void) { n++; printf("good %d\n", n); delay(200); }
C
}
# responsive: while the hostile guest runs, heartbeats every second for 4 s
# (monitor), then flash --status answers within its default timeout (one
# client at a time: two readers of one pty would take each other's bytes)
responsive() {
  monitor_bg 4
  monitor_wait
  hbs=$(python3 chk.py hb mon.json) || fail "$1: $hbs"
  for k in 1 2 3; do
    t0=$(date +%s%N)
    "$ck" flash --uart uart --status --json > st.json 2>err || fail "$1: flash --status did not answer: $(cat err)"
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    echo "$(rt vm_state)" | grep -Eqx "$2" || fail "$1: vm $(rt vm_state), not $2"
    [ "$ms" -lt 1000 ] || fail "$1: flash --status took $ms ms"
    sleep 0.2
  done
  note "$1: $hbs; flash --status answered in ${ms} ms"
}

case $case_ in
hostile)
  good good 9.0.0
  good good2 9.0.1
  build busy 1.1.0 <<'C'
#include "cockpit.h"
void setup(void) { }
void loop(void) { for (;;) { } }
C
  build pflood 1.2.0 <<'C'
#include "cockpit.h"
int n;
void setup(void) { }
void loop(void) { printf("flood %d\n", n); n++; }
C
  build tflood 1.3.0 <<'C'
#include "cockpit.h"
int i;
void setup(void) { }
void loop(void) { telemetry("x", i); i++; }
C
  build setupfault 1.4.0 <<'C'
#include "cockpit.h"
int zero;
void setup(void) { printf("about to divide\n"); printf("%d\n", 1 / zero); }
void loop(void) { }
C
  build latefault 1.5.0 <<'C'
#include "cockpit.h"
int n, zero;
void setup(void) { }
void loop(void) {
  n++;
  delay(100);
  if (n == 10) printf("%d\n", n / zero);   /* after 1 s: confirmed long before */
}
C
  start --health-ms 300
  # (a) busy forever
  install busy.cvm1 1.1.0
  responsive busy running
  [ "$(rt boots)" -eq 2 ] || fail "busy: the device reset ($(rt boots) boots)"
  install good.cvm1 9.0.0
  # (b) printf flood: more lines than the link carries
  install pflood.cvm1 1.2.0
  responsive pflood running
  r=$(python3 chk.py logs mon.json) || fail "pflood: $r"
  note "pflood: $r"
  install good.cvm1 9.0.0
  # (c) telemetry flood: the rate limit drops and counts
  install tflood.cvm1 1.3.0
  status; d1=$(rt telem_dropped)
  responsive tflood running
  d2=$(rt telem_dropped)
  [ "$d2" -gt "$d1" ] && [ "$d2" -gt 10000 ] || fail "tflood: telem_dropped $d1 then $d2"
  python3 - "$d1" "$d2" mon.json <<'PY' || fail "tflood: guest value x"
import json, sys
xs = [v["value"] for l in open(sys.argv[3]) for o in [json.loads(l)] if o["type"] == "telemetry"
      for v in o["values"] if v["name"] == "x"]
assert len(xs) >= 3 and xs == sorted(xs), xs
PY
  note "tflood: telem_dropped $d1 then $d2"
  install good.cvm1 9.0.0
  # (d) a trial that faults at once in setup, over a confirmed program
  sleep 0.5
  status; [ "$(rt trial)" = false ] || fail "good not confirmed"
  b0=$(rt boots)
  fl setupfault.cvm1 > out 2>err
  sleep 1
  status
  python3 chk.py runver st.json 9.0.0 || fail "setupfault: the confirmed program does not run again"
  python3 -c 'import json,sys; s=json.load(open("st.json")); sys.exit(not any(b["state"] == "rejected" and b["version"] == "1.4.0" for b in s["banks"]))' ||
    fail "setupfault: its bank not rejected: $(cat st.json)"
  [ "$(rt boots)" -gt "$b0" ] || fail "setupfault: no reset"
  responsive setupfault-reverted "sleeping|running"
  install good2.cvm1 9.0.1
  # (e) a confirmed program that faults later
  install latefault.cvm1 1.5.0
  sleep 1.5
  status
  [ "$(rt vm_state)" = faulted ] && [ "$(rt trial)" = false ] || fail "latefault: vm $(rt vm_state) trial $(rt trial)"
  [ "$(rt faults)" -ge 1 ] || fail "latefault: faults $(rt faults)"
  responsive latefault faulted
  install good.cvm1 9.0.0
  stop
  ;;
watchdog)
  good good 9.0.0
  start --health-ms 300 --watchdog-ms 1000 --stall-host-ms 1500
  install good.cvm1 9.0.0
  [ "$(rt boots)" -eq 2 ] && [ "$(rt reset_reason)" = software ] || fail "before the stall: $(cat st.json)"
  note "good confirmed; the host loop stalls at 1.5 s"
  i=0
  while status; [ "$(rt reset_reason)" != watchdog ]; do
    i=$((i + 1)); [ $i -gt 50 ] && fail "no watchdog reset after 5 s: $(cat st.json)"
    sleep 0.1
  done
  note "watchdog reset seen"
  [ "$(rt boots)" -eq 3 ] || fail "boots $(rt boots) after the watchdog, not 3"
  python3 chk.py runver st.json 9.0.0 || fail "good does not run after the watchdog reset"
  s1=$(rt steps); sleep 0.5; status; s2=$(rt steps)
  [ "$s2" -gt "$s1" ] && [ "$(rt boots)" -eq 3 ] || fail "not running after the reset: steps $s1 then $s2"
  grep -q "watchdog: not fed for 1000 ms; resetting" dev.err || fail "watchdog not logged"
  "$ck" blackbox --uart uart --json --timeout-ms 3000 > bb.json 2>err || fail "blackbox: $(cat err)"
  chk bbox bb.json watchdog
  [ "$(python3 chk.py get bb.json 0.reset_reason)" = watchdog ] || fail "watchdog record: $(cat bb.json)"
  stop
  # a busy guest alone: the host's services still keep their deadlines
  build busy 1.1.0 <<'C'
#include "cockpit.h"
void setup(void) { }
void loop(void) { for (;;) { } }
C
  rm -f img; : > dev.err
  start --health-ms 300
  install busy.cvm1 1.1.0
  b0=$(rt boots); r0=$(rt reset_reason)
  sleep 4
  status
  [ "$(rt boots)" -eq "$b0" ] && [ "$(rt reset_reason)" = "$r0" ] || fail "busy guest: boots $b0 -> $(rt boots), reset $(rt reset_reason)"
  [ "$(rt vm_state)" = running ] && [ "$(rt uptime_ms)" -ge 4000 ] || fail "busy guest: $(cat st.json)"
  grep -q watchdog dev.err && fail "busy guest: watchdog"
  "$ck" blackbox --uart uart --json --timeout-ms 3000 > bb.json 2>err || fail "blackbox: $(cat err)"
  chk bbox bb.json
  note "busy guest: no reset in 4 s (boots $b0, up $(rt uptime_ms) ms)"
  stop
  ;;
blackbox)
  good good 9.0.0
  build oob 3.0.0 <<'C'
#include "cockpit.h"
int buf[4];
int n;
void setup(void) { }
void poke(int i) {
  buf[i] = 1;   /* the fault: i reaches 4 */
}
void loop(void) { n++; delay(250); poke(n); }
C
  build setupfault 1.4.0 <<'C'
#include "cockpit.h"
int zero;
void setup(void) { printf("%d\n", 1 / zero); }
void loop(void) { }
C
  line=$(grep -n 'buf\[i\] = 1' oob.c | cut -d: -f1)
  bb() { "$ck" blackbox --uart uart --json --timeout-ms 3000 > bb.json 2>err || fail "blackbox: $(cat err)"; }
  nrec() { python3 -c 'import json; print(len(json.load(open("bb.json"))))'; }
  waitrec() {  # waitrec N: until at least N records
    i=0
    while bb; [ "$(nrec)" -lt "$1" ]; do
      i=$((i + 1)); [ $i -gt 40 ] && fail "not $1 records: $(cat bb.json)"
      sleep 0.1
    done
  }
  start --health-ms 300
  fl oob.cvm1 > out 2>err || fail "install oob: $(cat err)"
  waitrec 1
  chk bbox bb.json fault
  g() { python3 chk.py get bb.json "$1"; }
  [ "$(g 0.fault_str)" = "array index out of bounds" ] && [ "$(g 0.file)" = oob.c ] &&
    [ "$(g 0.line)" = "$line" ] && [ "$(g 0.func_name)" = poke ] && [ "$(g 0.version)" = 3.0.0 ] ||
    fail "fault record: $(cat bb.json)"
  seq0=$(g 0.seq); boot0=$(g 0.boot_id)
  status
  [ "$(rt vm_state)" = faulted ] || fail "oob not faulted: $(cat st.json)"
  [ "$(rt trial)" = false ] || fail "oob faulted on trial (the health check is 300 ms, the fault at 1 s)"
  note "fault record #$seq0 at oob.c:$line in poke"
  # the device process stops and starts again on the same flash
  stop
  start --health-ms 300
  bb
  [ "$(g 0.seq)" = "$seq0" ] && [ "$(g 0.boot_id)" = "$boot0" ] && [ "$(g 0.line)" = "$line" ] &&
    [ "$(g 0.func_name)" = poke ] || fail "record after the restart: $(cat bb.json)"
  waitrec 2                          # the program runs again, and faults again
  chk bbox bb.json fault fault
  seq1=$(g 1.seq)
  [ "$seq1" -gt "$seq0" ] && [ "$(g 1.boot_id)" != "$boot0" ] || fail "second record: $(cat bb.json)"
  note "after a restart: record #$seq0 kept, #$seq1 added"
  "$ck" blackbox --uart uart --clear --timeout-ms 3000 > out 2>err || fail "clear: $(cat err)"
  grep -q "^cleared 2 records$" out || fail "clear said: $(cat out)"
  "$ck" blackbox --uart uart --timeout-ms 3000 > out 2>err || fail "blackbox: $(cat err)"
  grep -q "^no records (0 held)$" out || fail "not cleared: $(cat out)"
  bb; [ "$(nrec)" -eq 0 ] || fail "not cleared: $(cat bb.json)"
  stop
  start --health-ms 300
  waitrec 1
  chk bbox bb.json fault
  seq2=$(g 0.seq)
  [ "$seq2" -gt "$seq1" ] || fail "new record #$seq2 after clearing #$seq1"
  note "cleared; a new fault is #$seq2"
  # a faulting trial: fault and reverted records, the previous program runs
  install good.cvm1 9.0.0
  fl setupfault.cvm1 > out 2>err
  waitrec 3
  chk bbox bb.json fault fault reverted
  [ "$(g 1.seq)" -gt "$seq2" ] && [ "$(g 1.version)" = 1.4.0 ] && [ "$(g 1.fault_str)" = "division by zero" ] &&
    [ "$(g 1.file)" = setupfault.c ] && [ "$(g 1.func_name)" = setup ] && [ "$(g 2.version)" = 1.4.0 ] ||
    fail "trial records: $(cat bb.json)"
  i=0
  while status; ! python3 chk.py runver st.json 9.0.0 >/dev/null; do
    i=$((i + 1)); [ $i -gt 30 ] && fail "good does not run again: $(cat st.json)"
    sleep 0.1
  done
  note "faulting trial: records #$(g 1.seq) fault, #$(g 2.seq) reverted; 9.0.0 runs again"
  stop
  ;;
notify)
  good good 9.0.0
  good new 9.1.0
  start --health-ms 300
  install good.cvm1 9.0.0
  # (1) nobody asked: nothing arrives unasked while the program prints
  n=$(rawread 2)
  [ "$n" -eq 0 ] || fail "$n bytes arrived unasked"
  note "no subscriber: 0 bytes in 2 s"
  # (2) a monitor killed with its lease running: the notifications go on,
  # and flash works through them
  monitor_bg 30; sleep 1.2
  kill -9 "$mpid"; wait "$mpid" 2>/dev/null; mpid=
  grep -q '"type": "heartbeat"' mon.json || fail "the monitor saw no heartbeat"
  n=$(rawread 0.5)
  [ "$n" -gt 0 ] || fail "no notifications after the monitor was killed"
  note "monitor killed: $n bytes of notifications in 0.5 s"
  fl --status > out 2>err || fail "status among notifications: $(cat err)"
  grep -q "^runtime: vm" out || fail "status: $(cat out)"
  fl new.cvm1 > out 2>err || fail "install among notifications: $(cat err)"
  grep -q "installed in bank B" out || fail "install: $(cat out)"
  status
  python3 chk.py runver st.json 9.1.0 || fail "new does not run"
  note "flash --status and an install went through"
  # (3) again, and this time the lease runs out: silence
  monitor_bg 30; sleep 1
  kill -9 "$mpid"; wait "$mpid" 2>/dev/null; mpid=
  killed=$(date +%s)
  n=$(rawread 0.5)
  [ "$n" -gt 0 ] || fail "no notifications after the second monitor was killed"
  while [ $(( $(date +%s) - killed )) -lt 11 ]; do sleep 0.2; done
  n=$(rawread 2 0.5)
  [ "$n" -eq 0 ] || fail "$n bytes after the lease lapsed"
  status
  python3 chk.py runver st.json 9.1.0 || fail "new does not run"
  note "lease lapsed: 0 bytes in 2 s"
  stop
  ;;
bootloader)
  good good 9.0.0
  good new 9.1.0
  start --health-ms 1500
  fl good.cvm1 --confirm > out 2>err || fail "install: $(cat err)"
  status; python3 chk.py runver st.json 9.0.0 || fail "good does not run"
  b0=$(rt boots)
  fl --enter-bootloader > out 2>err || fail "enter-bootloader: $(cat err)"
  grep -q "^the device is in its bootloader (boot [0-9a-f]*): it serves installs$" out || fail "enter: $(cat out)"
  fl --status > out 2>err || fail "status: $(cat err)"
  grep -q "^running: nothing (bootloader waits for an install)" out || fail "status in the bootloader: $(cat out)"
  grep -q "^runtime:" out && fail "a runtime line from the bootloader"
  [ -s err ] && fail "status said: $(cat err)"
  fl --status --json > st.json || fail "status json"
  grep -q '"runtime"' st.json && fail "a runtime key from the bootloader"
  [ "$(python3 chk.py get st.json running)" = "" ] || fail "something runs: $(cat st.json)"
  "$ck" monitor --uart uart --json --seconds 2 --timeout-ms 3000 > mon.json 2>err || fail "monitor: $(cat err)"
  grep -q '"type": "monitor", .*"state": "bootloader"' mon.json || fail "monitor: $(cat mon.json)"
  grep -q '"type": "heartbeat"' mon.json && fail "heartbeats from the bootloader"
  "$ck" blackbox --uart uart --timeout-ms 3000 > out 2>err; [ $? -eq 1 ] || fail "blackbox on the bootloader"
  grep -q "answers no runtime requests" err || fail "blackbox: $(cat err)"
  fl --enter-bootloader > out 2>err || fail "enter-bootloader again: $(cat err)"
  grep -q "^the device is in its bootloader already$" out || fail "again: $(cat out)"
  note "in the bootloader: no runtime, monitor says so, asked again: already"
  fl new.cvm1 > out 2>err || fail "install from the bootloader: $(cat err)"
  grep -q "installed in bank B; running on trial" out || fail "install: $(cat out)"
  status
  python3 chk.py runver st.json 9.1.0 || fail "new does not run"
  [ "$(rt trial)" = true ] && [ "$(rt program)" = new.c ] || fail "new not on trial: $(cat st.json)"
  [ "$(rt boots)" -gt "$b0" ] || fail "boots"
  note "installed from the bootloader: 9.1.0 on trial"
  # bad timing: two requests at once (one may lose the race for the pty),
  # one right after a reboot
  i=0
  while status; [ "$(rt trial)" = true ]; do i=$((i + 1)); [ $i -gt 40 ] && fail "not confirmed"; sleep 0.1; done
  fl --enter-bootloader > out1 2>&1 & p1=$!
  fl --enter-bootloader > out2 2>&1 & p2=$!
  wait $p1; s1=$?; wait $p2; s2=$?
  [ $s1 -eq 0 ] || [ $s2 -eq 0 ] || fail "both failed: $(cat out1 out2)"
  kill -0 "$pid" 2>/dev/null || fail "the device died"
  fl --status > out 2>err || fail "status after two requests: $(cat err)"
  grep -q "^running: nothing (bootloader waits for an install)" out || fail "not in the bootloader: $(cat out)"
  fl good.cvm1 --confirm > out 2>err || fail "install after two requests: $(cat err)"
  fl --enter-bootloader > out 2>err || fail "enter right after an install: $(cat err)"
  fl --enter-bootloader > out 2>err || fail "enter twice: $(cat err)"
  grep -q "already" out || fail "second: $(cat out)"
  fl good.cvm1 > out 2>err || fail "install again: $(cat err)"
  status; python3 chk.py runver st.json 9.0.0 || fail "good does not run at the end"
  note "two at once ($s1, $s2), right after an install, twice: harmless"
  stop
  ;;
telemetry)
  build tel 4.0.0 <<'C'
#include "cockpit.h"
int n;
void setup(void) { }
void loop(void) {
  n++;
  telemetry("temp", 1000 + n);
  event_emit("ticks", n);
  delay(100);
}
C
  start --health-ms 300
  install tel.cvm1 4.0.0
  monitor_bg 4; monitor_wait
  r=$(python3 chk.py tel mon.json) || fail "telemetry: $r"
  note "telemetry: $r"
  stop
  ;;
oled)
  good good 1.2.3
  build latefault 2.0.0 <<'C'
#include "cockpit.h"
int n, zero;
void setup(void) { }
void loop(void) { n++; delay(100); if (n == 20) printf("%d\n", n / zero); }
C
  build setupfault 3.0.0 <<'C'
#include "cockpit.h"
int zero;
void setup(void) { printf("%d\n", 1 / zero); }
void loop(void) { }
C
  # scr: the four lines of the display into l1..l4
  scr() {
    python3 "$root/scripts/oled-read.py" s.png > scr.txt 2>err || fail "oled-read: $(cat err)"
    l1=$(sed -n 1p scr.txt) l2=$(sed -n 2p scr.txt) l3=$(sed -n 3p scr.txt) l4=$(sed -n 4p scr.txt)
  }
  # until LINE REGEX: wait up to 5 s for line LINE of the display to match
  until_scr() {
    i=0
    while scr; ! sed -n "$1p" scr.txt | grep -Eqx "$2"; do
      i=$((i + 1)); [ $i -gt 50 ] && fail "display line $1 is '$(sed -n "$1p" scr.txt)', wanted /$2/: $(cat scr.txt)"
      sleep 0.1
    done
  }
  start --oled s.png --oled-scale 2 --health-ms 300
  i=0
  while [ ! -s s.png ]; do
    i=$((i + 1)); [ $i -gt 50 ] && fail "no display picture"
    sleep 0.1
  done
  python3 -c 'import struct,sys; d=open("s.png","rb").read(24); sys.exit(struct.unpack(">II", d[16:24]) != (256, 64))' \
    || fail "the picture is not 256x64 at --oled-scale 2"
  scr
  [ -z "$l1$l2$l3$l4" ] || fail "the display is lit in the bootloader: $(cat scr.txt)"
  install good.cvm1 1.2.3
  status
  id=$(printf 'ID %08X' "$(rt device_id)")
  until_scr 3 'RUN +link (ok|idle)'
  scr
  [ "$l1" = "$id    bank A" ] || fail "line 1 '$l1', wanted '$id    bank A'"
  [ "$l2" = "good 1.2.3" ] || fail "line 2 '$l2'"
  echo "$l4" | grep -Eqx 'up 0d 00:00:0[0-9]' || fail "line 4 '$l4'"
  u1=$l4
  sleep 2.2
  scr
  [ "$l4" != "$u1" ] || fail "uptime stands at '$l4'"
  note "display: $l1 | $l2 | $l3 | $l4"
  # a trial that faults at once is reverted: the display shows the old program
  fl setupfault.cvm1 > out 2>err
  sleep 0.5
  until_scr 2 'good 1\.2\.3'
  until_scr 3 'RUN +link (ok|idle)'
  scr
  [ "$l1" = "$id    bank A" ] || fail "after the revert line 1 '$l1'"
  # a confirmed program's later fault: FAULT, in bank B
  install latefault.cvm1 2.0.0
  until_scr 1 "$id    bank B"
  until_scr 2 'latefault 2\.0\.0'
  until_scr 3 'FAULT +link (ok|idle)'
  note "after the fault: $(tr '\n' '|' < scr.txt)"
  ;;
*) fail "unknown case $case_" ;;
esac
note "run.device.$case_: ok"
