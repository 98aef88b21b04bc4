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
  "$ck" device --flash img --uart uart "$@" >dev.out 2>>dev.err &
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
rt() { python3 "$d/chk.py" get st.json "runtime.$1"; }
chk() { python3 "$d/chk.py" "$@" || fail "check $1 $2"; }
# rawread SECONDS [DRAIN]: bytes the raw pty gives in SECONDS (after
# discarding what arrives in the first DRAIN seconds)
rawread() { python3 "$d/chk.py" raw uart "$1" "${2:-0}"; }
# install ART VERSION: flash it, see it run, and wait for the health check
# to confirm it (up to 3 s)
install() {
  fl "$1" > out 2>err || fail "install $1: $(cat err)"
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
  grep -q '"rejected": "' st.json && python3 chk.py get st.json banks.0.state | grep -q rejected ||
    python3 chk.py get st.json banks.1.state | grep -q rejected || fail "setupfault: no rejected bank"
  [ "$(rt boots)" -gt "$b0" ] || fail "setupfault: no reset"
  responsive setupfault-reverted "sleeping|running"
  install good.cvm1 9.0.0
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
*) fail "unknown case $case_" ;;
esac
note "run.device.$case_: ok"
