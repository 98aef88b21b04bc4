#!/bin/sh
# rollout_e2e.sh CASE COCKPIT ROOT [DB] -- fleetd's rollouts end to end, with
# real processes only: the fleet CA (`cockpit ca`), mosquitto (mutual TLS,
# tests/common/broker.sh), `cockpit fleetd` over HTTPS with --broker (on
# SQLite in a temp folder, or DB, a postgresql:// URL from pg_run.sh), and
# NDEV simulated devices (`cockpit device` on a pty, trusting the fleet key
# fleetd made) each with its `cockpit copilot`. Programs are built over the
# API (POST /builds); the devices start on "base" (1.0.0), flashed with
# `cockpit flash` from the artifact fleetd signed. A recorder
# (mosquitto_sub with fleetd's identity) stamps every jobs/notify and job
# update with its arrival time. Every case is bounded in time; every
# process is stopped by its pid on exit.
#   one      "next" (2.0.0) to dev1 of 3: the job SUCCEEDED confirmed, and
#            only after the device confirmed it (the copilot saw
#            trial_confirmed first); `cockpit flash --status` shows 2.0.0
#            confirmed; GET /devices/dev1 runs next, desired next, no drift;
#            dev2 and dev3 got nothing
#   staged   to a tag (3 of 5 devices) and then to all 5, stages [34,67,100],
#            max_failures 0: every job SUCCEEDED, the deployment succeeded,
#            no notify of a stage went out before every job of the stages
#            before it had ended
#   halt     (halt_pg: the store in PostgreSQL) a program that faults 1.5 s after it starts, staged [34,67,100]
#            with rollback on 5 devices: dev1 confirms its trial after 0.3 s
#            (SUCCEEDED, then faults), dev2 only after 6 s (so it faults in
#            its trial: FAILED trial_faulted). The deployment halts after the
#            first stage, the later stages' jobs CANCELED halted and their
#            copilots never saw a notify; dev1 gets a rollback job that
#            SUCCEEDED and runs base again, dev2 reverted by itself; the
#            crash is in GET /devices/dev1/crashes
#   cancel   a staged rollout canceled while its first stage installs: the
#            deployment canceled, later stages' jobs CANCELED canceled and
#            never delivered
#   offline  4 devices, dev3's and dev4's copilots stopped: dev1 and dev2
#            SUCCEEDED, dev3 stays QUEUED and is TIMED_OUT deadline after
#            job_timeout_s; dev4's copilot started again before that: it gets
#            its job (catch-up) and SUCCEEDED
set -u
case_=$1 ck=$2 root=$3 db=${4:-}
for t in /usr/sbin/mosquitto mosquitto_sub python3 curl; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed (scripts/install-deps.sh)"; exit 77; }
done
d=$(mktemp -d /tmp/fleet-rollout-e2e.XXXXXX)
fpid= rpid= dpids= cpids=
BROKER_VERBOSE=1   # connects and subscriptions in the broker's log: the waits read them
BROKER_ON_EXIT='for p in $cpids $rpid $fpid $dpids; do kill "$p" 2>/dev/null; done
for p in $cpids $rpid $fpid $dpids; do wait "$p" 2>/dev/null; done
[ -n "${ROLLOUT_KEEP:-}" ] && echo "kept $d" || rm -rf "$d"'
. "$root/tests/common/broker.sh"
cd "$d" || exit 1
t_start=$(date +%s.%N)
note() { printf '%6.2f s  %s\n' "$(echo "$(date +%s.%N) - $t_start" | bc)" "$*"; }
fail() {
  echo "FAIL ($case_): $*"
  [ -s chk.out ] && { echo "--- chk.out"; tail -n 20 chk.out; }
  [ -s rec.out ] && { echo "--- recorder"; cut -c1-200 rec.out | tail -n 30; }
  echo "--- fleetd log"; tail -n 30 fd.err 2>/dev/null
  for f in cop*.err; do [ -s "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }; done
  for f in dev*.err; do [ -s "$f" ] && { echo "--- $f"; tail -n 5 "$f"; }; done
  exit 1
}
# waitfor FILE PATTERN [SECONDS] [COUNT]: COUNT lines of FILE match PATTERN
waitfor() {
  _i=0
  while _n=$(grep -c -- "$2" "$1" 2>/dev/null); [ "${_n:-0}" -lt "${4:-1}" ]; do
    _i=$((_i + 1)); [ $_i -gt $((${3:-10} * 20)) ] && return 1
    sleep 0.05
  done
}

case $case_ in
one) ndev=3 ;;
offline) ndev=4 ;;
staged|halt|cancel) ndev=5 ;;
*) fail "unknown case" ;;
esac

# the fleet CA: the broker and fleetd's HTTPS (localhost, 127.0.0.1), the
# backend's MQTT identity (fleetd), the devices
{ "$ck" ca init ca && "$ck" ca issue ca --server localhost && "$ck" ca issue ca --server fleetd; } >/dev/null 2>err ||
  fail "cockpit ca: $(cat err)"
i=1
while [ $i -le $ndev ]; do "$ck" ca issue ca --device dev$i >/dev/null 2>err || fail "cockpit ca: $(cat err)"; i=$((i + 1)); done
broker_start_ca "$ck" ca "$d" || fail "no broker"
B="mqtts://localhost:$BROKER_PORT"
tls_be="--cafile ca/ca.crt --cert ca/servers/fleetd.crt --key ca/servers/fleetd.key"
# the recorder: every notify and job update, stamped when it arrived
# shellcheck disable=SC2086
mosquitto_sub -i recorder -h localhost -p $BROKER_PORT $tls_be -V mqttv5 -q 1 -F '%U %t %p' \
  -t 'fleet/devices/+/jobs/#' > rec.out 2>rec.err & rpid=$!
waitfor broker.log "recorder 1 fleet/devices/+/jobs/#" 10 || fail "no recorder"

dbargs=
[ -n "$db" ] && dbargs="--db $db"
# shellcheck disable=SC2086
tok=$("$ck" fleetd token --data data --role operator --name e2e $dbargs 2>err) || fail "token: $(cat err)"
# shellcheck disable=SC2086
"$ck" fleetd --data data --listen 127.0.0.1:0 --tls-cert ca/servers/localhost.crt --tls-key ca/servers/localhost.key \
  --broker "$B" --ca ca/ca.crt --cert ca/servers/fleetd.crt --key ca/servers/fleetd.key $dbargs > fd.out 2>>fd.err & fpid=$!
waitfor fd.out "^listening on" 15 || fail "fleetd did not start"
api=$(sed -n 's|^listening on \(https://[^ ]*\).*|\1|p' fd.out)
[ -n "$api" ] || fail "fleetd does not serve HTTPS: $(cat fd.out)"
waitfor fd.err "broker: connected" 15 || fail "fleetd did not connect to the broker"
note "fleetd $api (store $(sed -n "s/.*(store \(.*\))/\1/p" fd.out)), broker $B, $ndev devices"

CURL() { curl -sS --cacert ca/ca.crt -H "Authorization: Bearer $tok" "$@"; }
GET() { CURL -f "$api/api/v1$1"; }
# POST PATH BODY: the answer's body, then its status on a line of its own
POST() { CURL -X POST -H 'Content-Type: application/json' --data-binary "$2" -w '\n%{http_code}' "$api/api/v1$1"; }
PUT() { CURL -f -X PUT -H 'Content-Type: application/json' --data-binary "$2" "$api/api/v1$1"; }
# jget PATH EXPR: EXPR (python, the JSON as j) of the answer at PATH
jget() { GET "$1" | python3 -c "import json,sys; j=json.load(sys.stdin); print($2)"; }
# until_api PATH PYEXPR [SECONDS]: poll until PYEXPR holds for the JSON at PATH (as j)
until_api() {
  _i=0
  while ! GET "$1" 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($2) else 1)" 2>/dev/null; do
    _i=$((_i + 1)); [ $_i -gt $((${3:-15} * 10)) ] && return 1
    sleep 0.1
  done
}

# build NAME VERSION: NAME.c (stdin) built over the API; its sha256 in NAME.sha
build() {
  cat > "$1.c"
  body=$(python3 -c 'import json,sys; print(json.dumps({"source": open(sys.argv[1]).read(), "filename": sys.argv[1], "version": sys.argv[2]}))' "$1.c" "$2")
  POST /builds "$body" > "$1.build" || fail "POST /builds $1"
  [ "$(tail -n 1 "$1.build")" = 201 ] || fail "build $1: $(cat "$1.build")"
  head -n -1 "$1.build" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])' > "$1.sha" || fail "build $1"
}
build base 1.0.0 <<'C'
#include "cockpit.h"
int n;
void setup(void) { }
void loop(void) { n++; telemetry("temp", 1000 + n); delay(100); }
C
build next 2.0.0 <<'C'
#include "cockpit.h"
int n;
void setup(void) { printf("next starts\n"); }
void loop(void) { n++; telemetry("temp", 2000 + n); delay(100); }
C
BASE=$(cat base.sha) NEXT=$(cat next.sha)
# the devices run base, signed by fleetd: what the copilot would download
CURL -f -o base.cvm1 "$api/api/v1/artifacts/$BASE/content" || fail "GET base content"
note "built base ${BASE%????????????????????????????????????????????????????????} and next ${NEXT%????????????????????????????????????????????????????????} over the API"

# device I [HEALTH_MS]: the simulated device devI on base, confirmed
device() {
  "$ck" device --flash img$1 --uart uart$1 --health-ms "${2:-300}" --trust data/fleet.pub >/dev/null 2>>dev$1.err &
  dpids="$dpids $!"
  _i=0
  while [ ! -e uart$1 ]; do _i=$((_i + 1)); [ $_i -gt 100 ] && fail "no pty for dev$1"; sleep 0.05; done
  fl $1 base.cvm1 > err 2>&1 || fail "flash dev$1: $(cat err)"
  _i=0
  while fl $1 --status --json > st$1.json 2>err; grep -q '"trial": true' st$1.json; do
    _i=$((_i + 1)); [ $_i -gt 60 ] && fail "dev$1: base not confirmed: $(cat st$1.json)"
    sleep 0.1
  done
}
fl() { _n=$1; shift; "$ck" flash --uart uart$_n --timeout-ms 3000 --quiet "$@"; }
# copilot I: devI's copilot (its pid in cpid_I), connected and subscribed
copilot() {
  "$ck" copilot --uart uart$1 --broker "$B" --ca ca/ca.crt --cert ca/devices/dev$1.crt --key ca/devices/dev$1.key \
    --state state$1 --timeout-ms 2000 --will-delay 1 2>>cop$1.err &
  eval "cpid_$1=$!"; cpids="$cpids $!"
  _c=$(grep -c "dev$1 [0-9] fleet/devices/dev$1/jobs/notify" broker.log)
  waitfor broker.log "dev$1 [0-9] fleet/devices/dev$1/jobs/notify" 15 $((_c + 1)) || fail "copilot dev$1 did not subscribe"
}
stop_copilot() {
  eval "_p=\$cpid_$1"
  kill "$_p"; wait "$_p" 2>/dev/null
  eval "cpid_$1="
  cpids=$(echo "$cpids" | sed "s/ $_p\b//")
}
i=1
while [ $i -le $ndev ]; do
  h=300
  [ $case_ = halt ] && [ $i -eq 2 ] && h=6000
  [ $case_ = cancel ] && [ $i -eq 1 ] && h=5000
  device $i $h
  copilot $i
  i=$((i + 1))
done
i=1
while [ $i -le $ndev ]; do
  until_api /devices/dev$i "j['online'] and j['running'] and j['running']['sha256'] == '$BASE'" 20 ||
    fail "dev$i is not online on base in the API: $(GET /devices/dev$i)"
  i=$((i + 1))
done
note "$ndev devices with their copilots, online on base"

# deploy BODY: start a deployment; its id in $dep
deploy() {
  POST /deployments "$1" > dep.out || fail "POST /deployments"
  [ "$(tail -n 1 dep.out)" = 201 ] || fail "deploy: $(cat dep.out)"
  dep=$(head -n -1 dep.out | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
}
# settle SECONDS: wait until the deployment $dep is settled; it in dep$dep.json
settle() {
  until_api /deployments/$dep "j['settled']" "$1" || fail "deployment $dep did not settle: $(GET /deployments/$dep)"
  GET /deployments/$dep > dep$dep.json || fail "GET /deployments/$dep"
}
# check PYTHON: assertions on dep$dep.json (d), the recorder's lines (rec:
# (time_s, device, kind, message)), appending to bad; prints bad or OK
check() {
  python3 - "$dep" "$1" > chk.out <<'PY' || fail "$(cat chk.out)"
import json, sys
dep, code = sys.argv[1], sys.argv[2]
d = json.load(open("dep%s.json" % dep))
rec = []
for line in open("rec.out"):
    ts, topic, payload = (line.rstrip("\n").split(" ", 2) + ["", ""])[:3]
    parts = topic.split("/")
    try: m = json.loads(payload)
    except ValueError: continue
    rec.append((float(ts), parts[2], "notify" if parts[-1] == "notify" else "update", m))
jobs = {x["device"]: x for s in d["stages"] for x in s["devices"]}
def notifies(job): return [t for t, _, k, m in rec if k == "notify" and m.get("id") == job and not m.get("cancel")]
def ended(job):
    t = [t for t, _, k, m in rec if k == "update" and m.get("job") == job and m.get("state") not in ("QUEUED", "IN_PROGRESS")]
    return min(t) if t else None
bad = []
exec(code)
if bad: print("\n".join(bad)); sys.exit(1)
print("ok")
PY
}

case $case_ in
one)
  deploy '{"artifact": "'$NEXT'", "target": {"devices": ["dev1"]}, "job_timeout_s": 120}'
  note "deployment $dep: next to dev1"
  settle 90
  check '
j = jobs["dev1"]
if d["state"] != "succeeded": bad.append("state %s" % d["state"])
if (j["state"], j["reason"]) != ("SUCCEEDED", "confirmed"): bad.append("dev1 %s %s" % (j["state"], j["reason"]))
if list(jobs) != ["dev1"]: bad.append("jobs for %s" % list(jobs))
others = [dv for _, dv, _, _ in rec if dv != "dev1"]
if others: bad.append("messages to %s" % others)
'
  # SUCCEEDED only after the device confirmed: the copilot saw the
  # confirmation before it reported the job's end
  job=$(jget /deployments/$dep 'j["stages"][0]["devices"][0]["job"]')
  c=$(grep -n "device: event trial_confirmed" cop1.err | head -n 1 | cut -d: -f1)
  s=$(grep -n "job $job: SUCCEEDED" cop1.err | head -n 1 | cut -d: -f1)
  [ -n "$c" ] && [ -n "$s" ] && [ "$c" -lt "$s" ] || fail "SUCCEEDED (line $s) not after the device's confirmation (line $c)"
  grep -q "job $job: IN_PROGRESS trial" cop1.err || fail "the job never was on trial"
  until_api /devices/dev1 "j['running']['sha256'] == '$NEXT' and j['running']['version'] == '2.0.0' and j['desired_sha256'] == '$NEXT' and j['drift'] is False" 20 ||
    fail "GET /devices/dev1: $(GET /devices/dev1)"
  for i in 2 3; do
    until_api /devices/dev$i "j['running']['sha256'] == '$BASE' and j['desired_sha256'] is None and j['drift'] is False" 5 ||
      fail "GET /devices/dev$i: $(GET /devices/dev$i)"
    grep -q "job rollout-" cop$i.err && fail "dev$i's copilot saw a job"
  done
  stop_copilot 1
  fl 1 --status --json > st.json 2>err || fail "status: $(cat err)"
  grep -q '"version": "2.0.0"' st.json && grep -q '"trial": false' st.json || fail "dev1 does not run 2.0.0 confirmed: $(cat st.json)"
  note "dev1: $job SUCCEEDED confirmed after the device confirmed; it runs 2.0.0 (cockpit flash --status), the API shows next, no drift"
  ;;
staged)
  for i in 1 3 5; do PUT /devices/dev$i/tags '{"tags": ["lab"]}' > /dev/null || fail "PUT tags dev$i"; done
  build third 3.0.0 <<'C'
#include "cockpit.h"
int n;
void setup(void) { printf("third starts\n"); }
void loop(void) { n++; telemetry("temp", 3000 + n); delay(100); }
C
  THIRD=$(cat third.sha)
  # stages_ok SIZES DEVICES: every job SUCCEEDED confirmed, stages of SIZES
  # jobs over DEVICES, each stage's first notify after the end of every job
  # of the stages before it, nothing for other devices
  stages_ok() {
    check '
sizes, devs = '"$1"', '"$2"'
if d["state"] != "succeeded": bad.append("state %s" % d["state"])
if [len(s["devices"]) for s in d["stages"]] != sizes: bad.append("stage sizes %s, want %s" % ([len(s["devices"]) for s in d["stages"]], sizes))
if sorted(jobs) != devs: bad.append("jobs for %s, want %s" % (sorted(jobs), devs))
for x in jobs.values():
    if (x["state"], x["reason"]) != ("SUCCEEDED", "confirmed"): bad.append("%s %s %s" % (x["device"], x["state"], x["reason"]))
mine = set(x["job"] for x in jobs.values())
stray = [(dv, m.get("id")) for _, dv, k, m in rec if k == "notify" and m.get("id", "").startswith("rollout-%s." % dep) and dv not in devs]
if stray: bad.append("notifies to other devices: %s" % stray)
done = []
for k, s in enumerate(d["stages"]):
    first = []
    for x in s["devices"]:
        n = notifies(x["job"])
        if not n: bad.append("%s never notified" % x["job"])
        else: first.append(min(n))
        if x["state"] == "SUCCEEDED" and ended(x["job"]) is None: bad.append("%s: no end on the wire" % x["job"])
    if first and done and min(first) <= max(done):
        bad.append("stage %d notified at %.3f before stage %d ended at %.3f" % (k, min(first), k - 1, max(done)))
    done += [ended(x["job"]) for x in s["devices"] if ended(x["job"]) is not None]
'
  }
  deploy '{"artifact": "'$NEXT'", "target": {"tag": "lab"}, "stages": [34, 67, 100], "max_failures": 0, "job_timeout_s": 120}'
  note "deployment $dep: next to tag lab (dev1, dev3, dev5), stages [34,67,100]"
  settle 120
  stages_ok '[2, 1, 0]' '["dev1", "dev3", "dev5"]'
  note "  succeeded, stages in order: $(python3 -c 'import json; d=json.load(open("dep'$dep'.json")); print(" | ".join(",".join(x["device"] for x in s["devices"]) for s in d["stages"]))')"
  for i in 1 3 5; do
    until_api /devices/dev$i "j['running']['sha256'] == '$NEXT' and not j['drift']" 10 || fail "dev$i: $(GET /devices/dev$i)"
  done
  deploy '{"artifact": "'$THIRD'", "target": {"all": true}, "stages": [34, 67, 100], "max_failures": 0, "job_timeout_s": 120}'
  note "deployment $dep: third to all, stages [34,67,100]"
  settle 150
  stages_ok '[2, 2, 1]' '["dev1", "dev2", "dev3", "dev4", "dev5"]'
  note "  succeeded, stages in order: $(python3 -c 'import json; d=json.load(open("dep'$dep'.json")); print(" | ".join(",".join(x["device"] for x in s["devices"]) for s in d["stages"]))')"
  i=1
  while [ $i -le $ndev ]; do
    until_api /devices/dev$i "j['running']['sha256'] == '$THIRD' and j['running']['version'] == '3.0.0' and not j['drift']" 10 ||
      fail "dev$i: $(GET /devices/dev$i)"
    i=$((i + 1))
  done
  note "every device runs third, no drift"
  ;;
halt)
  build faulty 4.0.0 <<'C'
#include "cockpit.h"
int n;
int zero;
void setup(void) { printf("faulty starts\n"); }
void loop(void) { n++; delay(100); if (n == 15) printf("%d\n", 1 / zero); }
C
  FAULTY=$(cat faulty.sha)
  deploy '{"artifact": "'$FAULTY'", "target": {"all": true}, "stages": [34, 67, 100], "max_failures": 0, "job_timeout_s": 120, "rollback": true}'
  note "deployment $dep: faulty (faults 1.5 s after it starts) to all, stages [34,67,100], rollback"
  settle 150
  check '
if d["state"] != "halted": bad.append("state %s" % d["state"])
st = d["stages"]
s0 = {x["device"]: x for x in st[0]["devices"]}
if sorted(s0) != ["dev1", "dev2"]: bad.append("first stage %s" % sorted(s0))
else:
    a, b = s0["dev1"], s0["dev2"]
    if (a["state"], a["reason"]) != ("SUCCEEDED", "confirmed"): bad.append("dev1 %s %s" % (a["state"], a["reason"]))
    if (b["state"], b["reason"]) != ("FAILED", "trial_faulted"): bad.append("dev2 %s %s" % (b["state"], b["reason"]))
    rb = a.get("rollback")
    if not rb or (rb["state"], rb["reason"]) != ("SUCCEEDED", "confirmed"): bad.append("dev1 rollback %s" % rb)
    else: open("rb.sha", "w").write(rb["sha256"])
    if a["previous_sha256"] != "'$BASE'": bad.append("dev1 previous %s" % a["previous_sha256"])
    if b.get("rollback"): bad.append("dev2 got a rollback %s" % b["rollback"])
for s in st[1:]:
    if s["state"] == "running": bad.append("stage %d running" % s["index"])
    for x in s["devices"]:
        if (x["state"], x["reason"], x["sent"]) != ("CANCELED", "halted", None): bad.append("%s %s %s sent %s" % (x["device"], x["state"], x["reason"], x["sent"]))
        if notifies(x["job"]): bad.append("%s notified" % x["job"])
'
  for i in 3 4 5; do
    grep -q "job rollout-$dep\." cop$i.err && fail "dev$i's copilot saw a job of the halted deployment: $(grep "job rollout-$dep\." cop$i.err)"
  done
  note "halted after the first stage: dev1 SUCCEEDED (then faulted) and rolled back, dev2 FAILED trial_faulted; dev3-5 never notified"
  # the rollback installs base again under a fresh counter (dev1's floor is
  # faulty's counter now): the same program, version and build
  RB=$(cat rb.sha)
  GET /artifacts/$RB > rb.json && GET /artifacts/$FAULTY > faulty.json || fail "GET /artifacts"
  python3 - > chk.out <<'PY' || fail "$(cat chk.out)"
import json
rb, f = json.load(open("rb.json")), json.load(open("faulty.json"))
bad = []
if (rb["version"], rb["filename"]) != ("1.0.0", "base.c"): bad.append("rollback artifact %s" % rb)
if rb["counter"] <= f["counter"]: bad.append("rollback counter %s not above faulty's %s" % (rb["counter"], f["counter"]))
if bad: print("\n".join(bad)); raise SystemExit(1)
print("base restamped with counter %d (faulty: %d)" % (rb["counter"], f["counter"]))
PY
  note "dev1's rollback: $(cat chk.out)"
  until_api /devices/dev1 "j['running']['sha256'] == '$RB' and j['running']['version'] == '1.0.0' and j['desired_sha256'] == '$RB' and not j['drift']" 20 ||
    fail "dev1 is not back on base: $(GET /devices/dev1)"
  until_api /devices/dev2 "j['running']['sha256'] == '$BASE' and j['desired_sha256'] == '$BASE' and not j['drift']" 20 ||
    fail "dev2 is not back on base: $(GET /devices/dev2)"
  until_api /devices/dev1/crashes "any(c['version'] == '4.0.0' and c['file'] == 'faulty.c' for c in j['crashes'])" 20 ||
    fail "no crash of faulty on dev1: $(GET /devices/dev1/crashes)"
  note "dev1 and dev2 run base again, desired base; dev1's crash: $(jget /devices/dev1/crashes 'j["crashes"][0]["file"], j["crashes"][0]["line"], j["crashes"][0]["function"], j["crashes"][0]["version"]')"
  for i in 1 2; do
    stop_copilot $i
    fl $i --status --json > st.json 2>err || fail "status: $(cat err)"
    grep -q '"version": "1.0.0"' st.json && grep -q '"trial": false' st.json || fail "dev$i does not run 1.0.0 confirmed: $(cat st.json)"
  done
  ;;
cancel)
  # dev2 is offline when it starts: its job stays QUEUED, so the cancel
  # must reach it when it comes back
  stop_copilot 2
  until_api /devices/dev2 "not j['online']" 20 || fail "dev2 still online: $(GET /devices/dev2)"
  deploy '{"artifact": "'$NEXT'", "target": {"all": true}, "stages": [34, 67, 100], "job_timeout_s": 15}'
  note "deployment $dep: next to all, stages [34,67,100], job_timeout_s 15; dev2 offline; dev1's trial takes 5 s"
  until_api /deployments/$dep "[x for x in j['stages'][0]['devices'] if x['device'] == 'dev1'][0]['phase'] == 'trial'" 30 ||
    fail "dev1 never on trial: $(GET /deployments/$dep)"
  POST /deployments/$dep/cancel '' > cancel.out || fail "POST cancel"
  [ "$(tail -n 1 cancel.out)" = 200 ] || fail "cancel: $(cat cancel.out)"
  note "canceled while dev1 is on trial and dev2's job is QUEUED"
  POST /deployments/$dep/cancel '' > cancel2.out
  [ "$(tail -n 1 cancel2.out)" = 409 ] || fail "a second cancel: $(cat cancel2.out)"
  job2=$(jget /deployments/$dep '[x for x in j["stages"][0]["devices"] if x["device"] == "dev2"][0]["job"]')
  waitfor rec.out "fleet/devices/dev2/jobs/notify .*\"id\":\"$job2\",\"cancel\":true" 20 || fail "no cancel for $job2"
  copilot 2
  settle 90
  check '
if d["state"] != "canceled": bad.append("state %s" % d["state"])
a, b = jobs["dev1"], jobs["dev2"]
if (a["state"], a["reason"]) != ("SUCCEEDED", "confirmed"): bad.append("dev1 (programmed before the cancel) %s %s" % (a["state"], a["reason"]))
# dev2 never saw the notify (the retained cancel replaced it): its copilot
# refuses the cancel no_job and reports nothing, so the job ends by its
# deadline (docs/fleet-api.md, Cancel)
c = [t for t, dv, k, m in rec if k == "notify" and m.get("id") == b["job"] and m.get("cancel")]
late = [t for t in notifies(b["job"]) if c and t > c[0]]
if late: bad.append("dev2 was sent its notify again after the cancel (it replaces the retained cancel): %s" % late)
if (b["state"], b["reason"]) not in (("CANCELED", "canceled"), ("TIMED_OUT", "deadline")): bad.append("dev2 %s %s" % (b["state"], b["reason"]))
for s in d["stages"][1:]:
    for x in s["devices"]:
        if (x["state"], x["reason"], x["sent"]) != ("CANCELED", "canceled", None): bad.append("%s %s %s sent %s" % (x["device"], x["state"], x["reason"], x["sent"]))
        if notifies(x["job"]): bad.append("%s notified" % x["job"])
'
  grep -q "job $job2: programming\|job $job2: download" cop2.err && fail "dev2 started its canceled job: $(grep "job $job2" cop2.err)"
  for i in 3 4 5; do
    grep -q "job rollout-$dep\." cop$i.err && fail "dev$i's copilot saw a job of the canceled deployment"
  done
  until_api /devices/dev2 "j['running']['sha256'] == '$BASE' and not j['drift']" 20 || fail "dev2: $(GET /devices/dev2)"
  until_api /devices/dev1 "j['running']['sha256'] == '$NEXT' and not j['drift']" 20 || fail "dev1: $(GET /devices/dev1)"
  note "canceled: dev1 (on trial) went on to SUCCEEDED, dev2 back online got the cancel and never started ($(jget /deployments/$dep '[x for x in j["stages"][0]["devices"] if x["device"] == "dev2"][0]["state"]')), dev3-5 never notified"
  ;;
offline)
  stop_copilot 3
  stop_copilot 4
  until_api /devices/dev3 "not j['online']" 20 && until_api /devices/dev4 "not j['online']" 20 || fail "dev3, dev4 still online"
  deploy '{"artifact": "'$NEXT'", "target": {"all": true}, "max_failures": 1, "job_timeout_s": 12}'
  note "deployment $dep: next to all 4, job_timeout_s 12; dev3 and dev4 offline"
  for i in 1 2; do
    until_api /deployments/$dep "[x for x in j['stages'][0]['devices'] if x['device'] == 'dev$i'][0]['state'] == 'SUCCEEDED'" 30 ||
      fail "dev$i did not succeed: $(GET /deployments/$dep)"
  done
  GET /deployments/$dep > mid.json || fail "GET"
  python3 -c '
import json, sys
d = json.load(open("mid.json"))
j = {x["device"]: x for x in d["stages"][0]["devices"]}
bad = [k for k in ("dev3", "dev4") if j[k]["state"] != "QUEUED" or j[k]["sent"] is None]
sys.exit(1 if bad else 0)' || fail "dev3, dev4 not QUEUED (sent) while offline: $(cat mid.json)"
  note "dev1, dev2 SUCCEEDED; dev3 and dev4 QUEUED while offline"
  copilot 4
  settle 60
  check '
a = jobs["dev3"]
if (a["state"], a["reason"]) != ("TIMED_OUT", "deadline"): bad.append("dev3 %s %s" % (a["state"], a["reason"]))
for k in ("dev1", "dev2", "dev4"):
    if (jobs[k]["state"], jobs[k]["reason"]) != ("SUCCEEDED", "confirmed"): bad.append("%s %s %s" % (k, jobs[k]["state"], jobs[k]["reason"]))
if d["state"] != "succeeded": bad.append("state %s (1 failure allowed)" % d["state"])
if len(notifies(jobs["dev4"]["job"])) < 2: bad.append("dev4 back online was not sent its notify again: %s" % notifies(jobs["dev4"]["job"]))
e = [float(t) for t, dv, k, m in rec if dv == "dev3" and k == "notify" and m.get("cancel")]
if not e: bad.append("no cancel to dev3 after its timeout")
elif e[0] - a["sent"] / 1000.0 < 12: bad.append("dev3 timed out %.1f s after it was sent" % (e[0] - a["sent"] / 1000.0))
'
  note "dev4 came back and caught up (SUCCEEDED); dev3 TIMED_OUT deadline after job_timeout_s, a cancel owed to it"
  job3=$(jget /deployments/$dep '[x for x in j["stages"][0]["devices"] if x["device"] == "dev3"][0]["job"]')
  copilot 3
  until_api /devices/dev3 "j['online']" 20 || fail "dev3 not back"
  waitfor cop3.err "job $job3: cancel" 20 || fail "dev3's copilot never saw the cancel: $(cat cop3.err | tail -5)"
  grep -q "job $job3: download\|job $job3: programming" cop3.err && fail "dev3 started its timed-out job"
  until_api /devices/dev3 "j['running']['sha256'] == '$BASE' and not j['drift']" 10 || fail "dev3: $(GET /devices/dev3)"
  note "dev3 back later: its copilot got the cancel and never started the timed-out job; base, no drift"
  ;;
esac
kill "$fpid"; wait "$fpid"; fst=$?; fpid=
[ $fst -eq 0 ] || fail "fleetd exited $fst"
echo "PASS ($case_)"
