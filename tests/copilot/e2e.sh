#!/bin/sh
# e2e.sh CASE COCKPIT ROOT [NULLMODEM] -- `cockpit copilot` end to end: a simulated
# device (`cockpit device` on a pty), the copilot on its link, the real
# mosquitto with mutual TLS (started here on a free loopback port, stopped
# by its pid) and https_server.py serving the artifacts; the test plays the
# backend with mosquitto_pub / mosquitto_sub (the backend's certificate).
#   telemetry  heartbeats and telemetry (the guest's values too) arrive on their topics with
#              time, boot id and uptime; status online (retained), offline
#              "shutdown" when the copilot is stopped
#   mtls       a copilot with a certificate of another CA, with an expired one:
#              refused by the broker, said at start and with every try
#              (the reason), backing off (each try one TLS connection the
#              broker refused), alive until stopped; none: exit 2
#   acl_id     --id devB with dev1's certificate: its publishes refused
#              (PUBACK "not authorized", said in its log), nothing of it
#              reaches the backend, no work for devB reaches it
#   install    a job: QUEUED/IN_PROGRESS downloading, verifying,
#              programming, activating, trial, then SUCCEEDED confirmed only
#              after the device confirmed it; the device runs the new
#              version, confirmed
#   duplicate  the same job message twice (and again after it ended): one
#              install only, the state said again
#   resume     the copilot killed (-9) mid-download and started again: the job
#              resumes from its record, the download with a Range request
#              from the bytes kept, and ends SUCCEEDED; updates number on
#   resume_prog the copilot killed (-9) while programming a device whose
#              link takes 9600 baud: restarted, it resumes the install at the
#              offset the device acknowledged (BEGIN), and the job SUCCEEDED
#   cancel     a cancel while the download stalls: CANCELED, nothing
#              programmed; a job whose deadline passes while it stalls:
#              TIMED_OUT deadline; a cancel after it ended: refused too_late
#   cmd        commands: telemetry_interval and blackbox_read answered on
#              cmd/response; a replayed id (also after a restart), an expired
#              command, malformed JSON and an
#              unknown op refused with a reason on events; reboot: a new boot
#   outcomes   a trial that faults: FAILED trial_faulted with the device's
#              reason (fault DIV_ZERO, its pc and line, as in its blackbox),
#              the old program runs;
#              a security counter below the floor: REJECTED
#              counter_below_floor; the running program again: SUCCEEDED
#              already_installed, nothing programmed; code the VM's verifier
#              refuses: FAILED trial_faulted, detail start
#   broker     the broker stopped for 5 s while heartbeats and telemetry flow,
#              then started again: what the copilot kept in its queue
#              arrives in order after the reconnect, none lost (heartbeats 1 s
#              apart throughout), nothing reported dropped
#   overflow   the same with a 2 KiB queue: the oldest are dropped, the
#              dropped count is reported on events and matches what is
#              missing
#   broker_job the broker stopped while a job programs a 9600-baud device and
#              started again: the job goes on, SUCCEEDED, and every update
#              arrives, in order (seq 1..N without a gap)
#   digest     a job whose sha256 is not the artifact's: FAILED digest, and
#              not a byte went to the device
#   notconfirmed a device whose health check never passes (--health-ms 0):
#              its trial watchdog (--trial-ms 4000) resets the trial, the
#              bootloader reverts it while the copilot is killed: restarted,
#              FAILED trial_not_confirmed, detail timeout (from the device's
#              blackbox); a trial reset by a reboot: detail reset; the old
#              program runs confirmed
#   undecided  a device that never decides a trial (--health-ms 0
#              --trial-ms 0): a job with trial_s 3 TIMED_OUT trial_timeout;
#              the next job, refused by the device (a trial is running):
#              FAILED device_refused, device status TRIAL
#   offline    the device silent (stopped) when a job comes: the job stays
#              QUEUED, never IN_PROGRESS, and ends TIMED_OUT deadline at its
#              timeout_s; the device back, the next job SUCCEEDED
#   linkfaults the UART between the device and the copilot a bad line
#              (nullmodem: bits flipped, bytes dropped, doubled and
#              inserted, seeded): a job still ends SUCCEEDED with the
#              device running the artifact's image digest, telemetry and
#              heartbeats go on after it, and what the line lost is counted
#              (heartbeats missing <= the notifications the copilot saw
#              missing + the device's own notes_lost; the copilot's count
#              within what the line's faults can explain); COPL_SEED and
#              COPL_PPM (each fault's rate) try another line
#   refusals   a device that trusts one key: unsigned, signed by another
#              key, a damaged signature, another Host ABI, an artifact too
#              big for a bank: REJECTED key, key, signature, abi, artifact
#              (device status and detail given); a URL that is not there:
#              FAILED download; the old program runs throughout
set -u
case_=$1 ck=$2 root=$3 nm=${4:-}
d=$(mktemp -d /tmp/copl-e2e.XXXXXX)
dpid= cpid= spid= hpid=
BROKER_VERBOSE=1   # connects and subscriptions in the broker's log: the waits below read them
BROKER_ON_EXIT='for p in $cpid $spid $hpid $dpid; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -n "${COPL_KEEP:-}" ] && echo "kept $d" || rm -rf "$d"'
. "$root/tests/common/broker.sh"
cd "$d" || exit 1
t_start=$(date +%s.%N)
fail() {
  echo "FAIL ($case_): $*"
  for f in sub.out up.out err; do [ -s $f ] && { echo "--- $f"; tail -n 30 $f; }; done
  echo "--- copilot log"; tail -n 60 cop.err 2>/dev/null
  echo "--- device log"; tail -n 20 dev.err 2>/dev/null
  echo "--- broker log"; tail -n 20 mosq.log 2>/dev/null
  exit 1
}
note() { printf '%6.2f s  %s\n' "$(echo "$(date +%s.%N) - $t_start" | bc)" "$*"; }

# the fleet, by `cockpit ca`: its CA in pki/, the broker's certificate
# (localhost, 127.0.0.1; also the HTTPS server's), the backend's (fleetd),
# the device dev1's; the broker from `cockpit ca broker-config` (the fleet's
# ACL), started by tests/common/broker.sh, its log in mosq.log
for c in "init pki" "issue pki --server localhost" "issue pki --server fleetd" "issue pki --device dev1"; do
  # shellcheck disable=SC2086
  "$ck" ca $c >/dev/null 2>err || fail "cockpit ca $c: $(cat err)"
done
SRV_CRT=pki/servers/localhost.crt SRV_KEY=pki/servers/localhost.key
BACK="--cafile pki/ca.crt --cert pki/servers/fleetd.crt --key pki/servers/fleetd.key"
DEV="--ca pki/ca.crt --cert pki/devices/dev1.crt --key pki/devices/dev1.key"
popts=
[ $case_ = broker ] || [ $case_ = overflow ] || [ $case_ = broker_job ] && popts="--persistence $d"
# shellcheck disable=SC2086
broker_start_ca "$ck" pki "$d" $popts || fail "mosquitto did not start"
port=$BROKER_PORT
ln -s broker.log mosq.log
# waitfor FILE PATTERN [SECONDS] [COUNT]: COUNT lines of FILE match PATTERN
waitfor() {
  i=0
  while n=$(grep -c -- "$2" "$1" 2>/dev/null); [ "${n:-0}" -lt "${4:-1}" ]; do
    i=$((i + 1)); [ $i -gt $((${3:-10} * 20)) ] && return 1
    sleep 0.05
  done
}
start_broker() { broker_start "$d" "$BROKER_CONF" "$port" || fail "mosquitto does not listen on $port"; }
stop_broker() { broker_stop; }

T=fleet/devices/dev1
# shellcheck disable=SC2086
MSB() { exec mosquitto_sub -i "$1" -h 127.0.0.1 -p $port $BACK -V mqttv5 -q 1 -F '%t %p' -t "$2"; }
# shellcheck disable=SC2086
MP() { mosquitto_pub -i backend-pub -h 127.0.0.1 -p $port $BACK -V mqttv5 -q 1 "$@"; }
sub_bg() { MSB backend-sub "$1" > sub.out 2>sub.err & spid=$!; waitfor mosq.log "backend-sub [0-9] " 10 || fail "no subscription"; }

# the device, with a program that sends telemetry and events, installed by
# `cockpit flash` (one client of the pty at a time: before the copilot)
build() {   # build NAME VERSION [COUNTER]: NAME.c (stdin) into NAME.cvm1
  cat > "$1.c"
  "$ck" build "$1.c" -o "$1.cvm1" --version "$2" --counter "${3:-1}" >/dev/null 2>err || fail "build $1: $(cat err)"
}
build base 1.0.0 <<'C'
#include "cockpit.h"
int n;
void setup(void) { }
void loop(void) { n++; telemetry("temp", 1000 + n); if (n % 10 == 0) event_emit("ticks", n); delay(100); }
C
build next 2.0.0 <<'C'
#include "cockpit.h"
int n;
void setup(void) { printf("next starts\n"); }
void loop(void) { n++; telemetry("temp", 2000 + n); delay(100); }
C
build faulty 3.0.0 <<'C'
#include "cockpit.h"
int zero;
void setup(void) { printf("%d\n", 1 / zero); }
void loop(void) { delay(100); }
C
build old 0.9.0 0 <<'C'
#include "cockpit.h"
void setup(void) { }
void loop(void) { delay(100); }
C
# big: enough code that programming at 9600 baud takes seconds
{ echo '#include "cockpit.h"'; echo 'int n;'
  i=0; while [ $i -lt 150 ]; do echo "int f$i(int x) { if (x > $i) return x * $i + n; return x - $i; }"; i=$((i + 1)); done
  echo 'void setup(void) { }'; echo 'void loop(void) {'
  i=0; while [ $i -lt 150 ]; do echo "  n = f$i(n) % 1000;"; i=$((i + 1)); done
  echo '  delay(100);'; echo '}'; } > bigsrc.c
build big 5.0.0 < bigsrc.c
if [ $case_ = refusals ]; then   # the device trusts k1 only: base signed with it
  "$ck" keygen k1 >/dev/null && "$ck" keygen k2 >/dev/null || fail "keygen"
  "$ck" sign base.cvm1 --key k1.key >/dev/null 2>err || fail "sign base: $(cat err)"
fi
dopts=
[ $case_ = refusals ] && dopts="--trust k1.pub"
[ $case_ = resume_prog ] || [ $case_ = broker_job ] && dopts="--baud 9600"
"$ck" device --flash img --uart uart --health-ms 300 $dopts >/dev/null 2>>dev.err &
dpid=$!
i=0
while [ ! -e uart ]; do
  i=$((i + 1)); [ $i -gt 100 ] && fail "no pty after 5 s"
  sleep 0.05
done
# restart_device OPTIONS: the same flash, the device started again with OPTIONS
restart_device() {
  kill "$dpid"; wait "$dpid" 2>/dev/null
  i=0; while [ -e uart ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "the pty stays"; sleep 0.05; done
  "$ck" device --flash img --uart uart "$@" >/dev/null 2>>dev.err &
  dpid=$!
  i=0; while [ ! -e uart ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "no pty after a restart"; sleep 0.05; done
}
fl() { "$ck" flash --uart uart --timeout-ms 3000 --quiet "$@"; }
fl base.cvm1 > err 2>&1 || fail "flash base: $(cat err)"
i=0
while fl --status --json > st.json 2>err; grep -q '"trial": true' st.json; do
  i=$((i + 1)); [ $i -gt 40 ] && fail "base not confirmed: $(cat st.json)"
  sleep 0.1
done

# the artifact server
mkdir www
cp next.cvm1 big.cvm1 base.cvm1 faulty.cvm1 old.cvm1 www/
hopts=
[ $case_ = resume ] || [ $case_ = cancel ] && hopts="--stall-after $(($(stat -c %s next.cvm1) / 2)) --stall-secs 30"
python3 "$root/tests/copilot/https_server.py" $hopts --root www --cert $SRV_CRT --key $SRV_KEY \
  --port-file hport --log http.log 2>http.err &
hpid=$!
i=0
while [ ! -s hport ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "no https_server"; sleep 0.05; done
hport=$(cat hport)

nstart=0
copilot() {
  # shellcheck disable=SC2086
  "$ck" copilot --uart uart --broker "mqtts://127.0.0.1:$port" $DEV --state state --timeout-ms 2000 \
    "$@" 2>>cop.err &
  cpid=$!
  nstart=$((nstart + 1))
  waitfor cop.err "broker: connected" 15 $nstart || fail "copilot never connected"
  waitfor mosq.log "dev1 [0-9] $T/cmd" 10 $nstart || fail "copilot never subscribed"
}
stop_copilot() { kill "$cpid"; wait "$cpid"; cst=$?; cpid=; }
sha=$(sha256sum next.cvm1 | cut -d' ' -f1)
size=$(stat -c %s next.cvm1)
job() {   # job ID [SHA]: the job message for next.cvm1
  printf '{"v":1,"id":"%s","sha256":"%s","size":%s,"url":"https://127.0.0.1:%s/next.cvm1","version":"2.0.0","trial_s":60}' \
    "$1" "${2:-$sha}" "$size" "$hport"
}
jobf() {  # jobf ID FILE VERSION: the job message for FILE
  printf '{"v":1,"id":"%s","sha256":"%s","size":%s,"url":"https://127.0.0.1:%s/%s","version":"%s","trial_s":60}' \
    "$1" "$(sha256sum "$2" | cut -d' ' -f1)" "$(stat -c %s "$2")" "$hport" "$2" "$3"
}
# ends JOB: wait for its terminal update; its last "STATE reason" in $end
ends() {
  waitfor sub.out "^$T/jobs/$1/update .*\"state\":\"\(SUCCEEDED\|FAILED\|REJECTED\|TIMED_OUT\|CANCELED\)\"" 60 ||
    fail "job $1 did not end: $(states $1 | tr '\n' ';')"
  end=$(states $1 | tail -1 | sed 's/ null / /')
}
# updates JOB: the states seen on its update topic, one per line
states() { sed -n "s|^$T/jobs/$1/update .*\"state\":\"\([A-Z_]*\)\".*\"phase\":\([^,]*\),.*\"reason\":\([^,]*\),.*|\1 \2 \3|p" sub.out | tr -d '"'; }

case $case_ in
telemetry)
  sub_bg "$T/#"
  copilot
  waitfor sub.out "^$T/heartbeat " 10 2 || fail "no heartbeats"
  waitfor sub.out "^$T/telemetry " 10 2 || fail "no telemetry"
  grep "^$T/heartbeat " sub.out | head -1 | grep -q '"time":"20[0-9-]*T[0-9:.]*Z","boot_id":"[0-9a-f]\{8\}","uptime_ms":[0-9]' ||
    fail "heartbeat without time, boot id, uptime"
  grep "^$T/telemetry " sub.out | tail -1 | grep -q '"temp"' || fail "telemetry without the guest's value"
  grep -q "^$T/status .*\"online\"" sub.out || fail "no status online"
  note "heartbeat, telemetry, status online on their topics"
  # retained: a new subscriber sees online
  # shellcheck disable=SC2086
  mosquitto_sub -i late -h 127.0.0.1 -p $port $BACK -V mqttv5 -t $T/status -C 1 -W 5 > late.out ||
    fail "no retained status"
  grep -q '"online"' late.out || fail "retained status: $(cat late.out)"
  stop_copilot
  [ "$cst" -eq 0 ] || fail "copilot exited $cst"
  waitfor sub.out "^$T/status .*\"offline\".*\"shutdown\"" 5 || fail "no status offline shutdown"
  note "retained online; offline shutdown on SIGTERM, exit 0"
  ;;
mtls)
  # copilot_try NAME ARGS: a copilot that the broker refuses; once it has
  # said so three times (backing off between) it is stopped and checked:
  # never connected, alive until stopped (exit 0), every try one TLS
  # connection the broker refused in TLS (its log), the delays the backoff's
  "$ck" ca init other >/dev/null && "$ck" ca issue other --device dev1 >/dev/null || fail "the other CA"
  "$ck" ca issue pki --device dev1old --not-after 2021-06-01 >/dev/null || fail "an expired certificate"
  copilot_try() {
    name=$1; shift
    c0=$(grep -c "New connection from" mosq.log)
    v0=$(grep -c "certificate verify failed" mosq.log)
    u0=$(grep -c "Client <unknown> disconnected" mosq.log)
    n0=$(wc -l < cop.err)
    # shellcheck disable=SC2086
    "$ck" copilot --uart uart --broker "mqtts://127.0.0.1:$port" --state "state-$name" --timeout-ms 2000 \
      "$@" 2>>cop.err &
    cpid=$!
    i=0
    while [ "$(tail -n +$((n0 + 1)) cop.err | grep -c 'next try in')" -lt 3 ]; do
      i=$((i + 1)); [ $i -gt 400 ] && fail "$name: not refused three times in 20 s"
      kill -0 $cpid 2>/dev/null || fail "$name: the copilot exited"
      sleep 0.05
    done
    stop_copilot
    [ "$cst" -eq 0 ] || fail "$name: exit $cst after SIGTERM"
    tail -n +$((n0 + 1)) cop.err > $name.err
    grep -q "broker: connected" $name.err && fail "$name: connected"
    grep 'next try in' $name.err > $name.tries
    # the tries: numbered on, each delay within the backoff's bound
    python3 - $name.tries <<'PY' || fail "$name: tries $(cat $name.tries)"
import re, sys
t = [re.search(r"next try in (\d+) ms \(attempt (\d+)\)", l).groups() for l in open(sys.argv[1])]
ok = all(int(a) == i + 2 and 500 <= int(ms) <= min(60000, 1000 << i) for i, (ms, a) in enumerate(t))
sys.exit(0 if ok else 1)
PY
    tries=$(( $(wc -l < $name.tries) ))
    conns=$(( $(grep -c "New connection from" mosq.log) - c0 ))
    fails=$(( $(grep -c "certificate verify failed" mosq.log) - v0 ))
    gone=$(( $(grep -c "Client <unknown> disconnected" mosq.log) - u0 ))
    [ $conns -ge $tries ] && [ $conns -le $((tries + 1)) ] || fail "$name: $conns connections for $tries tries"
    # none got as far as a client id; the broker said why (which side
    # closes first is TLS 1.3's race: the client may have read the alert)
    [ $gone -eq $conns ] && [ $fails -ge 1 ] || fail "$name: of $conns connections $gone ended in TLS, $fails verify failures"
  }
  copilot_try other --ca pki/ca.crt --cert other/devices/dev1.crt --key other/devices/dev1.key
  grep -q "certificate other/devices/dev1.crt: the certificate does not verify against the CA in 'pki/ca.crt'.*the broker will refuse it" other.err ||
    fail "no word of another CA's certificate at start"
  grep -v "our certificate: the certificate does not verify against the CA" other.tries && fail "a refusal without its reason"
  note "another CA's certificate: refused, $(sed -n 's/.*\(next try in [0-9]* ms\).*/\1/p' other.tries | tr '\n' ',')"
  note "  $(head -n 1 other.tries | sed 's/^copilot [0-9:.]* //')"
  copilot_try expired --ca pki/ca.crt --cert pki/devices/dev1old.crt --key pki/devices/dev1old.key
  grep -q "certificate pki/devices/dev1old.crt: the certificate expired at 2021-06-01T00:00:00Z: the broker will refuse it" expired.err ||
    fail "no word of the expired certificate at start"
  grep -v "our certificate: the certificate expired at 2021-06-01" expired.tries && fail "a refusal without its reason"
  note "an expired certificate: refused, backing off"
  note "  $(head -n 1 expired.tries | sed 's/^copilot [0-9:.]* //')"
  # without a certificate it does not start: mutual TLS or nothing
  "$ck" copilot --uart uart --broker "mqtts://127.0.0.1:$port" --ca pki/ca.crt --state state-none 2>err
  st=$?
  [ $st -eq 2 ] && grep -q -- "--cert FILE is required" err || fail "no certificate: exit $st: $(cat err)"
  "$ck" copilot --uart uart --broker "mqtts://127.0.0.1:$port" --ca pki/ca.crt --cert pki/devices/dev1.crt \
    --state state-none 2>err
  st=$?
  [ $st -eq 2 ] && grep -q -- "--key FILE is required" err || fail "no key: exit $st: $(cat err)"
  note "no certificate, no key: refused at start (exit 2)"
  ;;
acl_id)
  # dev1's certificate, --id devB: the broker takes it for dev1, so none of
  # devB's topics is its to write or read
  B=fleet/devices/devB
  sub_bg "$B/#"
  # shellcheck disable=SC2086
  "$ck" copilot --uart uart --broker "mqtts://127.0.0.1:$port" $DEV --state state --timeout-ms 2000 \
    --id devB 2>>cop.err &
  cpid=$!
  waitfor cop.err "broker: connected" 15 || fail "copilot never connected"
  waitfor mosq.log "devB [0-9] $B/cmd" 10 || fail "copilot never subscribed"
  grep -q "\-\-id devB, but the certificate is dev1's" cop.err || fail "no word of the id and CN apart"
  waitfor cop.err "broker: publish on $B/status refused: Not authorized (reason 0x87)" 10 ||
    fail "the refused status not said"
  # the copilot goes on: the device's heartbeats and telemetry, all denied
  waitfor mosq.log "Denied PUBLISH from devB .*'$B/heartbeat'" 10 3 || fail "no heartbeats tried"
  waitfor mosq.log "Denied PUBLISH from devB .*'$B/telemetry'" 10 3 || fail "no telemetry tried"
  # work for devB does not reach it either
  exp=$(date -u -d '+60 sec' +%Y-%m-%dT%H:%M:%S.000Z)
  MP -t $B/cmd -m '{"v":1,"id":"c1","op":"telemetry_interval","interval_ms":500,"expires":"'$exp'"}' ||
    fail "mosquitto_pub"
  MP -t $B/jobs/notify -m "$(job j1)" || fail "mosquitto_pub"
  MP -t $B/events -m end || fail "mosquitto_pub"
  waitfor sub.out "^$B/events end$" 10 || fail "the end marker never came"
  # the marker came after the copilot's refused publishes and the backend's
  # own two: anything let through would be in sub.out before it
  grep -v "^$B/cmd \|^$B/jobs/notify \|^$B/events end$" sub.out && fail "something of the copilot's got through"
  grep -q "Sending PUBLISH to devB " mosq.log && fail "the broker delivered to devB"
  grep -q "cmd c1\|job j1" cop.err && fail "the copilot got devB's work"
  grep -q "subscription to .* refused" cop.err && fail "mosquitto refused a subscription (it filters at delivery)"
  [ "$(grep -c 'broker: connected' cop.err)" -eq 1 ] || fail "the copilot reconnected"
  stop_copilot
  [ "$cst" -eq 0 ] || fail "copilot exited $cst"
  note "--id devB with dev1's certificate: $(grep -c 'Denied PUBLISH from devB' mosq.log) publishes denied, nothing through either way"
  note "  $(grep 'refused: Not authorized' cop.err | head -n 1 | sed 's/^copilot [0-9:.]* //')"
  ;;
install|duplicate)
  sub_bg "$T/jobs/+/update"
  copilot
  MP -t $T/jobs/notify -m "$(job j1)" || fail "mosquitto_pub"
  [ $case_ = duplicate ] && { sleep 0.3; MP -t $T/jobs/notify -m "$(job j1)" || fail "mosquitto_pub"; }
  waitfor sub.out "\"state\":\"\(SUCCEEDED\|FAILED\|REJECTED\|TIMED_OUT\|CANCELED\)\"" 60 ||
    fail "the job did not end: $(states j1 | tr '\n' ';')"
  states j1 > st.txt
  grep -q '^SUCCEEDED null confirmed$' st.txt || fail "not SUCCEEDED confirmed: $(tr '\n' ';' < st.txt)"
  [ "$(head -1 st.txt)" = "QUEUED null null" ] || fail "not QUEUED first: $(tr '\n' ';' < st.txt)"
  for p in downloading verifying programming activating trial; do
    grep -q "^IN_PROGRESS $p null$" st.txt || fail "no IN_PROGRESS $p: $(tr '\n' ';' < st.txt)"
  done
  # the trial was seen on trial before it counted
  grep -q "device: event trial_confirmed" cop.err || fail "SUCCEEDED but the copilot never saw the device's confirmation"
  note "j1: $(uniq st.txt | tr '\n' ';')"
  if [ $case_ = duplicate ]; then
    n=$(grep -c "SUCCEEDED" st.txt)
    MP -t $T/jobs/notify -m "$(job j1)" || fail "mosquitto_pub"
    waitfor sub.out '"state":"SUCCEEDED"' 10 $((n + 1)) || true
    sleep 1
    [ "$(grep -c 'programming bank' cop.err)" -eq 1 ] || fail "installed more than once: $(grep -c 'programming bank' cop.err)"
    [ "$(grep -c 'downloaded$' cop.err)" -eq 1 ] || fail "downloaded more than once"
    [ "$(grep -c '^GET' http.log)" -le 2 ] || fail "more than one download: $(cat http.log)"
    note "duplicates (during and after the job): one download, one install"
  fi
  stop_copilot
  fl --status --json > st.json 2>err || fail "status: $(cat err)"
  grep -q '"version": "2.0.0"' st.json || fail "the device does not run 2.0.0: $(cat st.json)"
  grep -q '"trial": false' st.json || fail "the device still on trial: $(cat st.json)"
  note "the device runs 2.0.0, confirmed"
  ;;
resume)
  sub_bg "$T/jobs/+/update"
  copilot
  MP -t $T/jobs/notify -m "$(job j3)" || fail "mosquitto_pub"
  waitfor sub.out '"state":"IN_PROGRESS","phase":"downloading","percent":50' 20 || fail "no download at 50%: $(cat sub.out)"
  sleep 0.3
  kill -9 "$cpid"; wait "$cpid" 2>/dev/null; cpid=
  [ -s state/job.art ] || fail "nothing kept of the download"
  note "copilot killed at $(stat -c %s state/job.art) of $size bytes"
  copilot
  waitfor cop.err "job j3: resumed IN_PROGRESS downloading" 5 || fail "the job was not resumed"
  waitfor sub.out '"state":"SUCCEEDED"' 60 || fail "the job did not succeed: $(states j3 | tr '\n' ';')"
  states j3 > st.txt
  grep -q '^SUCCEEDED null confirmed$' st.txt || fail "not SUCCEEDED confirmed: $(tr '\n' ';' < st.txt)"
  grep -q "^GET /next.cvm1 bytes=$((size / 2))- 206" http.log || fail "no resume with a Range request: $(cat http.log)"
  [ "$(grep -c '^GET' http.log)" -eq 2 ] || fail "not two requests: $(cat http.log)"
  seqs=$(grep -o '"seq":[0-9]*' sub.out | cut -d: -f2 | tr '\n' ' ')
  python3 -c 'import sys; s=[int(x) for x in sys.argv[1:]]; sys.exit(0 if s == sorted(s) and len(set(s)) == len(s) else 1)' $seqs ||
    fail "update seqs not increasing: $seqs"
  note "j3 resumed: $(tr '\n' ' ' < http.log | sed 's/ $//'); seqs $seqs"
  stop_copilot
  ;;
cancel)
  sub_bg "$T/#"
  copilot
  MP -t $T/jobs/notify -m "$(job k1)" || fail "mosquitto_pub"
  waitfor sub.out '"job":"k1",.*"state":"IN_PROGRESS","phase":"downloading","percent":50' 20 || fail "no download at 50%"
  MP -t $T/jobs/notify -m '{"v":1,"id":"k1","cancel":true}' || fail "mosquitto_pub"
  ends k1
  [ "$end" = "CANCELED canceled" ] || fail "k1: $end: $(states k1 | tr '\n' ';')"
  note "k1 canceled while downloading: $end"
  printf '{"v":1,"id":"k2","sha256":"%s","size":%s,"url":"https://127.0.0.1:%s/next.cvm1","version":"2.0.0","timeout_s":3}' \
    "$sha" "$size" "$hport" > k2.json
  MP -t $T/jobs/notify -f k2.json || fail "mosquitto_pub"
  ends k2
  [ "$end" = "TIMED_OUT deadline" ] || fail "k2: $end: $(states k2 | tr '\n' ';')"
  note "k2 past its 3 s deadline: $end"
  MP -t $T/jobs/notify -m '{"v":1,"id":"k2","cancel":true}' || fail "mosquitto_pub"
  waitfor sub.out "^$T/events .*\"refused\".*\"id\":\"k2\",\"reason\":\"too_late\"" 10 || fail "a late cancel not refused"
  grep -q "programming bank" cop.err && fail "something was programmed"
  [ -e state/job.art ] && fail "the artifact was kept"
  stop_copilot
  ;;
resume_prog)
  sub_bg "$T/jobs/+/update"
  copilot
  MP -t $T/jobs/notify -m "$(jobf p1 big.cvm1 5.0.0)" || fail "mosquitto_pub"
  waitfor sub.out '"state":"IN_PROGRESS","phase":"programming","percent":[2-9][0-9]' 60 || fail "no programming at 20%: $(states p1 | tr '\n' ';')"
  kill -9 "$cpid"; wait "$cpid" 2>/dev/null; cpid=
  note "copilot killed while programming $(stat -c %s big.cvm1) bytes"
  copilot
  waitfor cop.err "job p1: resumed IN_PROGRESS programming" 5 || fail "the job was not resumed"
  ends p1
  [ "$end" = "SUCCEEDED confirmed" ] || fail "p1: $end: $(states p1 | tr '\n' ';')"
  from=$(grep "job p1: programming bank" cop.err | tail -1 | sed 's/.* from byte \([0-9]*\) .*/\1/')
  [ "$from" -gt 0 ] || fail "the install started over: $(grep 'programming bank' cop.err)"
  [ "$(grep -c '^GET' http.log)" -eq 1 ] || fail "downloaded again: $(cat http.log)"
  note "p1 resumed programming from byte $from: $end"
  stop_copilot
  ;;
cmd)
  sub_bg "$T/#"
  copilot
  exp=$(date -u -d '+60 sec' +%Y-%m-%dT%H:%M:%S.000Z)
  old=$(date -u -d '-60 sec' +%Y-%m-%dT%H:%M:%S.000Z)
  cmd() { MP -t $T/cmd "$@" || fail "mosquitto_pub"; }
  cmd -m '{"v":1,"id":"c1","op":"telemetry_interval","interval_ms":500,"expires":"'$exp'"}'
  waitfor sub.out "^$T/cmd/response .*\"id\":\"c1\".*\"ok\":true.*\"value\":500" 10 || fail "no answer to c1"
  cmd -m '{"v":1,"id":"c1","op":"telemetry_interval","interval_ms":700,"expires":"'$exp'"}'
  waitfor sub.out "^$T/events .*\"refused\".*\"id\":\"c1\",\"reason\":\"replayed\"" 10 || fail "c1 replayed not refused"
  cmd -m '{"v":1,"id":"c2","op":"telemetry_interval","interval_ms":700,"expires":"'$old'"}'
  waitfor sub.out "^$T/events .*\"id\":\"c2\",\"reason\":\"expired\"" 10 || fail "c2 expired not refused"
  cmd -m '{not json'
  waitfor sub.out "^$T/events .*\"reason\":\"syntax\"" 10 || fail "malformed JSON not refused"
  cmd -m '{"v":1,"id":"c3","op":"format_disk","expires":"'$exp'"}'
  waitfor sub.out "^$T/events .*\"id\":\"c3\",\"reason\":\"unknown_op\"" 10 || fail "unknown op not refused"
  cmd -m '{"v":1,"id":"c4","op":"blackbox_read","from":0,"expires":"'$exp'"}'
  waitfor sub.out "^$T/cmd/response .*\"id\":\"c4\".*\"ok\":true" 10 || fail "no answer to c4"
  note "telemetry_interval, blackbox_read answered; replayed, expired, malformed, unknown op refused"
  waitfor sub.out "^$T/heartbeat " 10 || fail "no heartbeat"
  b0=$(grep "^$T/heartbeat " sub.out | tail -1 | sed 's/.*"boot_id":"\([0-9a-f]*\)".*/\1/')
  cmd -m '{"v":1,"id":"c5","op":"reboot","expires":"'$exp'"}'
  waitfor sub.out "^$T/cmd/response .*\"id\":\"c5\".*\"ok\":true" 10 || fail "no answer to c5"
  sleep 2.5
  b1=$(grep "^$T/heartbeat " sub.out | tail -1 | sed 's/.*"boot_id":"\([0-9a-f]*\)".*/\1/')
  [ -n "$b1" ] && [ "$b0" != "$b1" ] || fail "reboot: heartbeats from boot $b0, then $b1"
  note "reboot: boot $b0 -> $b1, heartbeats go on"
  stop_copilot
  copilot
  n=$(grep -c '"id":"c1","reason":"replayed"' sub.out)
  cmd -m '{"v":1,"id":"c1","op":"telemetry_interval","interval_ms":900,"expires":"'$exp'"}'
  waitfor sub.out '"id":"c1","reason":"replayed"' 10 $((n + 1)) || fail "c1 replayed after a restart not refused"
  note "the replay table survives a restart"
  stop_copilot
  ;;
outcomes)
  sub_bg "$T/jobs/+/update"
  copilot
  MP -t $T/jobs/notify -m "$(jobf f1 faulty.cvm1 3.0.0)" || fail "mosquitto_pub"
  ends f1
  [ "$end" = "FAILED trial_faulted" ] || fail "f1: $end: $(states f1 | tr '\n' ';')"
  states f1 | grep -q "^SUCCEEDED" && fail "f1 said SUCCEEDED"
  # why the device reverted it: the fault, its pc (the device's own fault
  # record's) and the source line of the division
  line=$(grep -n '1 / zero' faulty.c | cut -d: -f1)
  why=$(grep "^$T/jobs/f1/update .*\"state\":\"FAILED\"" sub.out | grep -o '"device":{[^}]*}')
  echo "$why" | grep -q "^\"device\":{\"status\":\"reverted\",\"detail\":\"fault\",\"fault\":\"DIV_ZERO\",\"pc\":[0-9]*,\"line\":$line}\$" ||
    fail "f1: not the device's revert (DIV_ZERO at line $line): $why"
  pc=$(echo "$why" | sed 's/.*"pc":\([0-9]*\).*/\1/')
  note "f1 (faults on trial): $end, $why"
  MP -t $T/jobs/notify -m "$(jobf f2 old.cvm1 0.9.0)" || fail "mosquitto_pub"
  ends f2
  [ "$end" = "REJECTED counter_below_floor" ] || fail "f2: $end: $(states f2 | tr '\n' ';')"
  note "f2 (counter 0 under floor 1): $end"
  p0=$(grep -c "programming bank" cop.err)
  MP -t $T/jobs/notify -m "$(jobf f3 base.cvm1 1.0.0)" || fail "mosquitto_pub"
  ends f3
  [ "$end" = "SUCCEEDED already_installed" ] || fail "f3: $end: $(states f3 | tr '\n' ';')"
  [ "$(grep -c "programming bank" cop.err)" -eq "$p0" ] || fail "f3 programmed the device"
  note "f3 (runs already): $end"
  # a program whose container is sound but whose code the VM's verifier
  # refuses: installed, activated, and it cannot start on trial
  python3 - next.cvm1 www/nostart.cvm1 <<'PY' || fail "nostart artifact"
import hashlib, struct, sys
a = bytearray(open(sys.argv[1], "rb").read())
size = struct.unpack_from("<I", a, 0x0C)[0]
for k in range(struct.unpack_from("<H", a, 0x10)[0]):
    t, f, off, n = struct.unpack_from("<HHII", a, 152 + 12 * k)
    if t == 1: a[off:off + n] = b"\xff" * n        # the code section
a[0x34:0x36] = struct.pack("<H", 4)               # version 4.0.0
at = size + 8
while at < len(a):
    t, n = struct.unpack_from("<HH", a, at)
    if t == 0x10: a[at + 4:at + 36] = hashlib.sha256(a[:size]).digest()
    at += 4 + n
open(sys.argv[2], "wb").write(a)
PY
  MP -t $T/jobs/notify -m "$(cd www && jobf f4 nostart.cvm1 4.0.0)" || fail "mosquitto_pub"
  ends f4
  [ "$end" = "FAILED trial_faulted" ] || fail "f4: $end: $(states f4 | tr '\n' ';')"
  grep "^$T/jobs/f4/update .*\"state\":\"FAILED\"" sub.out |
    grep -q '"device":{"status":"reverted","detail":"start","fault":null,"pc":null,"line":null}' ||
    fail "f4: not reverted for a start failure: $(grep "jobs/f4/update" sub.out | tail -1)"
  note "f4 (cannot start): $end, detail start"
  stop_copilot
  fl --status --json > st.json 2>err || fail "status: $(cat err)"
  grep -q '"version": "1.0.0"' st.json || fail "the device does not run 1.0.0: $(cat st.json)"
  "$ck" blackbox --uart uart --json > bb.json 2>err || fail "blackbox: $(cat err)"
  python3 - bb.json "$pc" "$line" <<'PY' || fail "f1's pc and line are not the device's fault record's: $(cat bb.json)"
import json, sys
recs = [r for r in json.load(open(sys.argv[1])) if r.get("kind") == "fault" and r.get("version") == "3.0.0"]
sys.exit(0 if recs and recs[-1]["pc"] == int(sys.argv[2]) and recs[-1]["line"] == int(sys.argv[3]) else 1)
PY
  note "f1's pc $pc and line $line are the device's fault record's"
  ;;
broker|overflow)
  # the backend's session survives the broker's restart (persistence)
  # shellcheck disable=SC2086
  mosquitto_sub -i backend-sub -c -x 600 -h 127.0.0.1 -p $port $BACK \
    -V mqttv5 -q 1 -F '%t %p' -t $T/heartbeat -t $T/telemetry -t $T/events > sub.out 2>sub.err &
  spid=$!
  waitfor mosq.log "backend-sub [0-9] " 10 || fail "no subscription"
  if [ $case_ = overflow ]; then copilot --queue-size 2048; else copilot; fi
  waitfor sub.out "^$T/heartbeat " 10 3 || fail "no heartbeats"
  stop_broker
  note "broker stopped"
  waitfor cop.err "broker: connection lost" 5 || fail "the copilot did not see the broker go"
  sleep 5
  start_broker
  note "broker started again"
  waitfor cop.err "broker: connected" 30 2 || fail "the copilot did not reconnect"
  sleep 3
  python3 - sub.out $case_ > chk.out <<'PY' || fail "$(cat chk.out)"
import json, sys
hb, tel, dropped = [], [], []
for line in open(sys.argv[1]):
    topic, _, payload = line.partition(" ")
    try:
        m = json.loads(payload)
    except ValueError:
        continue
    if topic.endswith("/heartbeat"): hb.append((m["boot_id"], m["uptime_ms"]))
    elif topic.endswith("/telemetry"): tel.append(m["uptime_ms"])
    elif m.get("type") == "dropped": dropped.append(m["count"])
ups = [u for _, u in hb]
if len(set(b for b, _ in hb)) != 1: print("heartbeats from more than one boot"); sys.exit(1)
if ups != sorted(ups) or len(set(ups)) != len(ups): print("heartbeats out of order:", ups); sys.exit(1)
if tel != sorted(tel): print("telemetry out of order"); sys.exit(1)
# Heartbeats and telemetry come every 1000 ms of the device's uptime, each
# up to ~700 ms late on a loaded host, so a gap g between two that arrived
# holds between ceil((g - 1700) / 1000) and floor((g - 300) / 1000) that
# did not: the counts are reconciled against that range, not a guess.
import math
def lo(g): return max(0, math.ceil((g - 1700) / 1000))
def hi(g): return max(0, math.floor((g - 300) / 1000))
gaps = [b - a for a, b in zip(ups, ups[1:])] + [b - a for a, b in zip(tel, tel[1:])]
big = [g for g in gaps if hi(g) > 0]
least, most = sum(lo(g) for g in gaps), sum(hi(g) for g in gaps)
if sys.argv[2] == "broker":
    if least: print("lost over the outage: gaps", big, "at least", least, "missing"); sys.exit(1)
    if dropped: print("dropped reported:", dropped); sys.exit(1)
    print("%d heartbeats, %d telemetry, none missing, none dropped" % (len(ups), len(tel)))
else:
    if not dropped: print("no dropped report; gaps", big); sys.exit(1)
    if not least <= sum(dropped) <= most:
        print("dropped %s but %d..%d heartbeats and telemetry missing (gaps %s)" % (dropped, least, most, big)); sys.exit(1)
    print("dropped %d reported, %d..%d missing by the gaps" % (sum(dropped), least, most))
PY
  note "$(cat chk.out)"
  stop_copilot
  ;;
broker_job)
  # shellcheck disable=SC2086
  mosquitto_sub -i backend-sub -c -x 600 -h 127.0.0.1 -p $port $BACK \
    -V mqttv5 -q 1 -F '%t %p' -t "$T/jobs/+/update" > sub.out 2>sub.err &
  spid=$!
  waitfor mosq.log "backend-sub [0-9] " 10 || fail "no subscription"
  copilot
  MP -t $T/jobs/notify -m "$(jobf b1 big.cvm1 5.0.0)" || fail "mosquitto_pub"
  waitfor sub.out '"phase":"programming","percent":[1-9][0-9]' 60 || fail "no programming: $(states b1 | tr '\n' ';')"
  stop_broker
  note "broker stopped while programming"
  sleep 4
  start_broker
  note "broker started again"
  ends b1
  [ "$end" = "SUCCEEDED confirmed" ] || fail "b1: $end: $(states b1 | tr '\n' ';')"
  seqs=$(grep -o '"seq":[0-9]*' sub.out | cut -d: -f2 | tr '\n' ' ')
  python3 -c 'import sys; s=[int(x) for x in sys.argv[1:]]; sys.exit(0 if s == list(range(1, len(s) + 1)) else 1)' $seqs ||
    fail "updates not 1..N: $seqs"
  note "b1 $end; updates seq $seqs"
  stop_copilot
  ;;
digest)
  sub_bg "$T/jobs/+/update"
  copilot
  MP -t $T/jobs/notify -m "$(job j2 0000000000000000000000000000000000000000000000000000000000000000)" || fail "mosquitto_pub"
  waitfor sub.out "\"state\":\"FAILED\"" 30 || fail "not FAILED: $(states j2 | tr '\n' ';')"
  states j2 > st.txt
  grep -q '^FAILED null digest$' st.txt || fail "not FAILED digest: $(tr '\n' ';' < st.txt)"
  grep -q 'programming' st.txt && fail "programming started: $(tr '\n' ';' < st.txt)"
  grep -q 'programming bank' cop.err && fail "a byte went to the device"
  [ -e state/job.art ] && fail "the artifact was kept"
  note "j2: $(uniq st.txt | tr '\n' ';')"
  stop_copilot
  fl --status --json > st.json 2>err || fail "status: $(cat err)"
  grep -q '"version": "1.0.0"' st.json || fail "the device does not run 1.0.0: $(cat st.json)"
  ;;
notconfirmed)
  restart_device --health-ms 0 --trial-ms 4000
  sub_bg "$T/#"
  copilot
  MP -t $T/jobs/notify -m "$(job n1)" || fail "mosquitto_pub"
  # the copilot is away while the trial times out: restarted, it reads the
  # verdict and its reason from what the device kept
  waitfor sub.out "^$T/jobs/n1/update .*\"phase\":\"trial\"" 20 || fail "n1: no trial: $(states n1 | tr '\n' ';')"
  kill -9 "$cpid"; wait "$cpid" 2>/dev/null; cpid=
  waitfor dev.err "rejected: trial ended without confirmation" 20 || fail "n1: the device did not revert"
  copilot
  waitfor cop.err "job n1: resumed IN_PROGRESS trial" 5 || fail "n1 was not resumed in its trial"
  ends n1
  [ "$end" = "FAILED trial_not_confirmed" ] || fail "n1: $end: $(states n1 | tr '\n' ';')"
  states n1 | grep -q "^IN_PROGRESS trial null$" || fail "n1 never on trial: $(states n1 | tr '\n' ';')"
  states n1 | grep -q "^SUCCEEDED" && fail "n1 said SUCCEEDED"
  grep -q "trial not confirmed within 4000 ms" dev.err || fail "the device did not time the trial out"
  grep "^$T/jobs/n1/update .*\"state\":\"FAILED\"" sub.out |
    grep -q '"device":{"status":"reverted","detail":"timeout","fault":null,"pc":null,"line":null}' ||
    fail "n1: not reverted for its timeout: $(grep "jobs/n1/update" sub.out | tail -1)"
  note "n1 (never confirmed, reset by the trial's watchdog while the copilot was away): $end, detail timeout"
  # a reset while the trial runs (here a reboot command; a power loss alike)
  exp=$(date -u -d '+60 sec' +%Y-%m-%dT%H:%M:%S.000Z)
  h=$(grep -c "^$T/heartbeat .*\"trial\":true" sub.out)
  MP -t $T/jobs/notify -m "$(job n2)" || fail "mosquitto_pub"
  waitfor sub.out "^$T/jobs/n2/update .*\"phase\":\"trial\"" 20 || fail "n2: no trial: $(states n2 | tr '\n' ';')"
  waitfor sub.out "^$T/heartbeat .*\"trial\":true" 20 $((h + 1)) || fail "n2: no heartbeat on trial"
  MP -t $T/cmd -m '{"v":1,"id":"c-n2","op":"reboot","expires":"'$exp'"}' || fail "mosquitto_pub"
  ends n2
  [ "$end" = "FAILED trial_not_confirmed" ] || fail "n2: $end: $(states n2 | tr '\n' ';')"
  grep "^$T/jobs/n2/update .*\"state\":\"FAILED\"" sub.out | grep -q '"device":{"status":"reverted","detail":"reset",' ||
    fail "n2: not reverted for a reset: $(grep "jobs/n2/update" sub.out | tail -1)"
  grep -q "^$T/cmd/response .*\"id\":\"c-n2\".*\"ok\":true" sub.out || fail "n2: the reboot not answered"
  note "n2 (rebooted on trial): $end, detail reset"
  stop_copilot
  fl --status --json > st.json 2>err || fail "status: $(cat err)"
  grep -q '"version": "1.0.0"' st.json && grep -q '"trial": false' st.json ||
    fail "the device does not run 1.0.0 confirmed: $(cat st.json)"
  note "the device runs 1.0.0, confirmed"
  ;;
undecided)
  restart_device --health-ms 0 --trial-ms 0
  sub_bg "$T/jobs/+/update"
  copilot
  MP -t $T/jobs/notify -m "$(job u1 | sed 's/"trial_s":60/"trial_s":3/')" || fail "mosquitto_pub"
  ends u1
  [ "$end" = "TIMED_OUT trial_timeout" ] || fail "u1: $end: $(states u1 | tr '\n' ';')"
  states u1 | grep -q "^IN_PROGRESS trial null$" || fail "u1 never on trial: $(states u1 | tr '\n' ';')"
  note "u1 (no verdict within trial_s 3): $end"
  # the device still runs 2.0.0 on trial, and refuses an install meanwhile
  MP -t $T/jobs/notify -m "$(jobf u2 big.cvm1 5.0.0)" || fail "mosquitto_pub"
  ends u2
  [ "$end" = "FAILED device_refused" ] || fail "u2: $end: $(states u2 | tr '\n' ';')"
  grep "^$T/jobs/u2/update .*\"state\":\"FAILED\"" sub.out | grep -q '"device":{"status":"TRIAL","detail":0}' ||
    fail "u2: not the device's TRIAL refusal: $(grep "jobs/u2/update" sub.out | tail -1)"
  note "u2 (the device's trial still runs): $end, device status TRIAL"
  stop_copilot
  fl --status --json > st.json 2>err || fail "status: $(cat err)"
  grep -q '"version": "2.0.0"' st.json && grep -q '"trial": true' st.json ||
    fail "the device does not run 2.0.0 on trial: $(cat st.json)"
  ;;
offline)
  sub_bg "$T/jobs/+/update"
  copilot
  kill -STOP "$dpid"
  printf '{"v":1,"id":"o1","sha256":"%s","size":%s,"url":"https://127.0.0.1:%s/next.cvm1","version":"2.0.0","timeout_s":4}' \
    "$sha" "$size" "$hport" > o1.json
  MP -t $T/jobs/notify -f o1.json || fail "mosquitto_pub"
  ends o1
  kill -CONT "$dpid"
  [ "$end" = "TIMED_OUT deadline" ] || fail "o1: $end: $(states o1 | tr '\n' ';')"
  [ "$(states o1 | grep -vc '^QUEUED null null$')" -eq 1 ] || fail "o1 was not QUEUED until its deadline: $(states o1 | tr '\n' ';')"
  grep -q '^GET' http.log && fail "o1 downloaded for a silent device"
  note "o1 (device silent): $(states o1 | uniq | tr '\n' ';')"
  MP -t $T/jobs/notify -m "$(job o2)" || fail "mosquitto_pub"
  ends o2
  [ "$end" = "SUCCEEDED confirmed" ] || fail "o2: $end: $(states o2 | tr '\n' ';')"
  note "o2 (device back): $end"
  stop_copilot
  ;;
linkfaults)
  # the device's end of a bad line (dev.tty); the copilot's is `uart`
  kill "$dpid"; wait "$dpid" 2>/dev/null
  i=0; while [ -e uart ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "the pty stays"; sleep 0.05; done
  [ -x "$nm" ] || fail "no nullmodem given"
  "$nm" dev.tty uart 170 --seed ${COPL_SEED:-7} --flip-ppm ${COPL_PPM:-200} --drop-ppm ${COPL_PPM:-200} --dup-ppm ${COPL_PPM:-200} --garbage-ppm ${COPL_PPM:-200} \
    --stats nm.stats 2>nm.err &
  nmpid=$!
  i=0; while [ ! -e uart ] || [ ! -e dev.tty ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "no nullmodem"; sleep 0.05; done
  "$ck" device --flash img --uart dev.tty --health-ms 300 >/dev/null 2>>dev.err &
  dpid="$! $nmpid"   # both stopped at the end
  sub_bg "$T/#"
  copilot --timeout-ms 500
  waitfor sub.out "^$T/telemetry " 20 2 || fail "no telemetry over the bad line"
  MP -t $T/jobs/notify -m "$(jobf l1 big.cvm1 5.0.0)" || fail "mosquitto_pub"
  ends l1
  [ "$end" = "SUCCEEDED confirmed" ] || fail "l1: $end: $(states l1 | tr '\n' ';')"
  note "l1 over the bad line: $end"
  # telemetry and heartbeats go on after it, from the new program's boot
  t0=$(grep -c "^$T/telemetry " sub.out) h0=$(grep -c "^$T/heartbeat " sub.out)
  waitfor sub.out "^$T/telemetry " 30 $((t0 + 3)) || fail "telemetry stopped after the job"
  waitfor sub.out "^$T/heartbeat " 30 $((h0 + 3)) || fail "heartbeats stopped after the job"
  stop_copilot
  # the device runs the artifact's image (asked over the same bad line)
  i=0
  until fl --status --json > st.json 2>err; do
    i=$((i + 1)); [ $i -gt 5 ] && fail "status over the bad line: $(cat err)"
  done
  kill "$nmpid"; wait "$nmpid" 2>/dev/null
  [ -s nm.stats ] || fail "no nullmodem stats: $(cat nm.err)"
  python3 - big.cvm1 st.json sub.out nm.stats > chk.out 2>&1 <<'PY' || fail "$(cat chk.out)"
import hashlib, json, struct, sys
a = open(sys.argv[1], "rb").read()
image = hashlib.sha256(a[:struct.unpack_from("<I", a, 0x0C)[0]]).hexdigest()
st = json.load(open(sys.argv[2]))
run = [b for b in st["banks"] if b["running"]]
if not run or run[0]["digest"] != image or st["runtime"]["trial"]:
    print("the device does not run", image, "confirmed:", run); sys.exit(1)
hb, tel = {}, 0
for line in open(sys.argv[3]):
    topic, _, payload = line.partition(" ")
    try:
        m = json.loads(payload)
    except ValueError:
        print("not JSON on", topic, payload[:80]); sys.exit(1)
    if topic.endswith("/heartbeat"): hb.setdefault(m["boot_id"], []).append(m)
    elif topic.endswith("/telemetry"): tel += 1
missing = lost = 0
for boot, hs in hb.items():
    ups = [h["uptime_ms"] for h in hs]
    if ups != sorted(ups): print("heartbeats out of order in boot", boot); sys.exit(1)
    missing += sum(round((b - x) / 1000) - 1 for x, b in zip(ups, ups[1:]) if b - x > 1600)
    lost += hs[-1]["notes_lost"]
last = [h for hs in hb.values() for h in hs][-1]["copilot"]
seen = max(h["copilot"]["notes_missed"] for hs in hb.values() for h in hs)
faults = {}
for line in open(sys.argv[4]):
    w = line.split()
    faults[w[0]] = sum(int(w[i]) for i in range(4, len(w), 2))
if not faults.get("a>b") or not faults.get("b>a"):
    print("the line injected no faults one way:", faults); sys.exit(1)
if missing > seen + lost:
    print("%d heartbeats missing, but the copilot counted %d notifications missing and the device lost %d"
          % (missing, seen, lost)); sys.exit(1)
# a fault spoils at most the frame it hits and, on a frame's end, the next
if seen > 2 * faults["a>b"]:
    print("the copilot counted %d missing, more than %d faults on the line explain" % (seen, faults["a>b"])); sys.exit(1)
if last["frames_bad"] + seen == 0:
    print("the faults did nothing the copilot saw:", faults); sys.exit(1)
print("faults device->copilot %d, copilot->device %d; heartbeats missing %d <= %d missed + %d lost; "
      "copilot frames_bad %d; %d telemetry; the device runs %s confirmed"
      % (faults["a>b"], faults["b>a"], missing, seen, lost, last["frames_bad"], tel, image[:16]))
PY
  note "$(cat chk.out)"
  ;;
refusals)
  sub_bg "$T/jobs/+/update"
  copilot
  # the artifacts the device must refuse
  cp next.cvm1 www/unsigned.cvm1
  "$ck" sign next.cvm1 --key k2.key -o www/otherkey.cvm1 >/dev/null 2>err || fail "sign: $(cat err)"
  "$ck" sign next.cvm1 --key k1.key -o www/badsig.cvm1 >/dev/null 2>err || fail "sign: $(cat err)"
  # another Host ABI: its abi_hash changed and its digest made right again
  python3 - next.cvm1 www/abi.cvm1 www/badsig.cvm1 > abi.img <<'PY' || fail "abi artifact"
import hashlib, struct, sys
a = bytearray(open(sys.argv[1], "rb").read())
a[0x14] ^= 0x5A
size = struct.unpack_from("<I", a, 0x0C)[0]
at = size + 8
while at < len(a):
    t, n = struct.unpack_from("<HH", a, at)
    if t == 0x10: a[at + 4:at + 36] = hashlib.sha256(a[:size]).digest()
    at += 4 + n
open(sys.argv[2], "wb").write(a)
b = bytearray(open(sys.argv[3], "rb").read())
b[-1] ^= 0x01                      # the last byte: the Ed25519 signature's
open(sys.argv[3], "wb").write(b)
print(hashlib.sha256(a[:size]).hexdigest())
PY
  "$ck" sign www/abi.cvm1 --key k1.key >/dev/null 2>err || fail "sign abi: $(cat err)"
  # too big for a 32 KB bank
  { echo '#include "cockpit.h"'; echo 'int n;'
    i=0; while [ $i -lt 500 ]; do echo "int f$i(int x) { if (x > $i) return x * $i + n; return x - $i; }"; i=$((i + 1)); done
    echo 'void setup(void) { }'; echo 'void loop(void) {'
    i=0; while [ $i -lt 500 ]; do echo "  n = f$i(n) % 1000;"; i=$((i + 1)); done
    echo '  delay(100);'; echo '}'; } > hugesrc.c
  "$ck" build hugesrc.c -o www/huge.cvm1 --version 6.0.0 --counter 1 --key k1.key >/dev/null 2>err || fail "build huge: $(cat err)"
  [ "$(stat -c %s www/huge.cvm1)" -gt 32768 ] || fail "huge.cvm1 is not over 32 KB"
  for t in "r1 unsigned.cvm1 REJECTED key VERIFY UNSIGNED" "r2 otherkey.cvm1 REJECTED key VERIFY UNKNOWN_KEY" \
           "r3 badsig.cvm1 REJECTED signature VERIFY SIGNATURE" "r4 abi.cvm1 REJECTED abi VERIFY ABI_HASH" \
           "r5 huge.cvm1 REJECTED artifact TOO_BIG room"; do
    set -- $t
    m=$(cd www && jobf $1 $2 2.0.0)
    [ $1 = r4 ] && m=$(echo "$m" | sed "s/}\$/,\"image_sha256\":\"$(cat abi.img)\"}/")
    MP -t $T/jobs/notify -m "$m" || fail "mosquitto_pub"
    ends $1
    [ "$end" = "$3 $4" ] || fail "$1 ($2): $end: $(states $1 | tr '\n' ';')"
    dd="\"$6\""
    [ $6 = room ] && dd='[0-9]*'   # TOO_BIG: the detail is the room a bank has
    grep "^$T/jobs/$1/update .*\"state\":\"$3\"" sub.out | grep -q "\"device\":{\"status\":\"$5\",\"detail\":$dd}" ||
      fail "$1: not the device's $5 $6: $(grep "jobs/$1/update" sub.out | tail -1)"
    note "$1 ($2): $end, device $5 $6"
  done
  room=$(grep "^$T/jobs/r5/update .*\"state\":\"REJECTED\"" sub.out | sed 's/.*"detail":\([0-9]*\)}.*/\1/')
  [ "$room" -ge 16384 ] && [ "$room" -lt "$(stat -c %s www/huge.cvm1)" ] || fail "r5: a bank of $room bytes?"
  printf '{"v":1,"id":"r6","sha256":"%s","size":%s,"url":"https://127.0.0.1:%s/missing.cvm1","version":"2.0.0"}' \
    "$sha" "$size" "$hport" > r6.json
  MP -t $T/jobs/notify -f r6.json || fail "mosquitto_pub"
  ends r6
  [ "$end" = "FAILED download" ] || fail "r6: $end: $(states r6 | tr '\n' ';')"
  grep -q "^GET /missing.cvm1 - 404" http.log || fail "r6: no 404: $(cat http.log)"
  note "r6 (not on the server): $end"
  stop_copilot
  fl --status --json > st.json 2>err || fail "status: $(cat err)"
  grep -q '"version": "1.0.0"' st.json && grep -q '"trial": false' st.json ||
    fail "the device does not run 1.0.0 confirmed: $(cat st.json)"
  note "the device runs 1.0.0, confirmed"
  ;;
*) fail "unknown case" ;;
esac
echo "PASS ($case_)"
