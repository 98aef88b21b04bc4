#!/bin/sh
# scale_e2e.sh COCKPIT ROOT DB -- two fleetd on one PostgreSQL (DB, a
# postgresql:// URL from pg_run.sh), one broker (mosquitto, mutual TLS,
# tests/common/broker.sh), NDEV simulated devices (`cockpit device` on a pty)
# each with its `cockpit copilot` sending telemetry 10 times a second.
# fleetd A and B have data dirs of their own holding the SAME fleet key (A's
# fleet.key copied to B) and listen on ports of their own.
#   - both ingest: MQTT 5 shared subscriptions ($share/fleetd/...) split the
#     devices' messages between them (each one's
#     fleet_ingest_messages_total on its own /metrics grows)
#   - a staged deployment to all (one device a stage, max_failures 0) is
#     started on A; once its second stage is notified and its device has
#     downloaded, the fleetd whose URL that notify carries is killed with
#     SIGKILL: the other takes the
#     deployment's lease over and the deployment succeeds, every job
#     SUCCEEDED confirmed
#   - the killed one started again on its data dir (its journal replayed),
#     the copilots stopped: for every device the telemetry the API gives
#     (GET /devices/{id}/telemetry) is exactly what the device sent (a
#     recorder, mosquitto_sub with its own plain subscription, saw it on
#     the broker), each point once: (name, uptime, value, boot id)
set -u
ck=$1 root=$2 db=${3:-}
[ -n "$db" ] || { echo "SKIP: no PostgreSQL URL"; exit 77; }
for t in /usr/sbin/mosquitto mosquitto_sub python3 curl; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed (scripts/install-deps.sh)"; exit 77; }
done
ndev=4
d=$(mktemp -d /tmp/fleet-scale-e2e.XXXXXX)
apid= bpid= rpid= dpids= cpids=
BROKER_VERBOSE=1
BROKER_ON_EXIT='for p in $cpids $rpid $apid $bpid $dpids; do kill "$p" 2>/dev/null; done
for p in $cpids $rpid $apid $bpid $dpids; do wait "$p" 2>/dev/null; done
[ -n "${SCALE_KEEP:-}" ] && echo "kept $d" || rm -rf "$d"'
. "$root/tests/common/broker.sh"
cd "$d" || exit 1
t_start=$(date +%s.%N)
note() { printf '%6.2f s  %s\n' "$(echo "$(date +%s.%N) - $t_start" | bc)" "$*"; }
fail() {
  echo "FAIL: $*"
  [ -s chk.out ] && { echo "--- chk.out"; tail -n 20 chk.out; }
  for f in fdA.err fdB.err; do echo "--- $f"; tail -n 25 $f 2>/dev/null; done
  for f in cop*.err; do [ -s "$f" ] && { echo "--- $f"; tail -n 10 "$f"; }; done
  exit 1
}
waitfor() {
  _i=0
  while _n=$(grep -c -- "$2" "$1" 2>/dev/null); [ "${_n:-0}" -lt "${4:-1}" ]; do
    _i=$((_i + 1)); [ $_i -gt $((${3:-10} * 20)) ] && return 1
    sleep 0.05
  done
}

{ "$ck" ca init ca && "$ck" ca issue ca --server localhost && "$ck" ca issue ca --server fleetd; } >/dev/null 2>err ||
  fail "cockpit ca: $(cat err)"
i=1
while [ $i -le $ndev ]; do "$ck" ca issue ca --device dev$i >/dev/null 2>err || fail "cockpit ca: $(cat err)"; i=$((i + 1)); done
broker_start_ca "$ck" ca "$d" || fail "no broker"
B="mqtts://localhost:$BROKER_PORT"
tls_be="--cafile ca/ca.crt --cert ca/servers/fleetd.crt --key ca/servers/fleetd.key"
# the recorder: every device's messages, and every job message, stamped
# shellcheck disable=SC2086
mosquitto_sub -i recorder -h localhost -p $BROKER_PORT $tls_be -V mqttv5 -q 1 -F '%U %t %p' \
  -t 'fleet/devices/#' > rec.out 2>rec.err & rpid=$!
waitfor broker.log "recorder 1 fleet/devices/#" 10 || fail "no recorder"

tok=$("$ck" fleetd token --data dataA --role operator --name scale --db "$db" 2>err) || fail "token: $(cat err)"
# start_fleetd X: fleetd X (dataX) on its own port; its API in $api_X, pid in ${X}pid
start_fleetd() {
  : > fd$1.out
  "$ck" fleetd --data data$1 --listen 127.0.0.1:0 --tls-cert ca/servers/localhost.crt --tls-key ca/servers/localhost.key \
    --broker "$B" --ca ca/ca.crt --cert ca/servers/fleetd.crt --key ca/servers/fleetd.key --db "$db" \
    > fd$1.out 2>>fd$1.err &
  eval "$(echo "$1" | tr AB ab)pid=$!"
  waitfor fd$1.out "^listening on" 15 || fail "fleetd $1 did not start"
  eval "api_$1=$(sed -n 's|^listening on \(https://[^ ]*\).*|\1|p' fd$1.out)"
  _c=$(grep -c "broker: connected" fd$1.err)
  waitfor fd$1.err "broker: connected" 15 "$_c" || fail "fleetd $1 did not connect to the broker"
}
start_fleetd A
[ -f dataA/fleet.key ] || fail "fleetd A made no fleet key"
mkdir -p dataB && cp -p dataA/fleet.key dataA/fleet.pub dataB/ && chmod 600 dataB/fleet.key || fail "copy the fleet key"
start_fleetd B
[ "$api_A" != "$api_B" ] || fail "both fleetd on $api_A"
# both in the share group: two fleetd client ids subscribed to $share/fleetd/...
waitfor broker.log "fleetd-[^ ]* 1 \$share/fleetd/fleet/devices/+/telemetry" 10 2 || fail "not both subscribed shared"
nsub=$(grep "\$share/fleetd/fleet/devices/+/telemetry" broker.log | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^fleetd-/) print $i}' | sort -u | wc -l)
[ "$nsub" -eq 2 ] || fail "$nsub fleetd client ids in the share group, want 2"
note "fleetd A $api_A and B $api_B on one PostgreSQL, one fleet key, broker $B"

CURL() { curl -sS --cacert ca/ca.crt -H "Authorization: Bearer $tok" "$@"; }
GETAT() { CURL -f "$1/api/v1$2"; }
POSTAT() { CURL -X POST -H 'Content-Type: application/json' --data-binary "$3" -w '\n%{http_code}' "$1/api/v1$2"; }
# until_at API PATH PYEXPR [SECONDS]
until_at() {
  _i=0
  while ! GETAT "$1" "$2" 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($3) else 1)" 2>/dev/null; do
    _i=$((_i + 1)); [ $_i -gt $((${4:-15} * 10)) ] && return 1
    sleep 0.1
  done
}
# ingested X: fleetd X's fleet_ingest_messages_total (its own count)
ingested() {
  eval "_a=\$api_$1"
  CURL -f "$_a/metrics" 2>/dev/null | awk '$1 == "fleet_ingest_messages_total" { printf "%d", $2 }'
}

build() {
  cat > "$1.c"
  body=$(python3 -c 'import json,sys; print(json.dumps({"source": open(sys.argv[1]).read(), "filename": sys.argv[1], "version": sys.argv[2]}))' "$1.c" "$2")
  POSTAT "$api_A" /builds "$body" > "$1.build" || fail "POST /builds $1"
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
CURL -f -o base.cvm1 "$api_A/api/v1/artifacts/$BASE/content" || fail "GET base content"

fl() { _n=$1; shift; "$ck" flash --uart uart$_n --timeout-ms 3000 --quiet "$@"; }
i=1
while [ $i -le $ndev ]; do
  "$ck" device --flash img$i --uart uart$i --health-ms 300 --trust dataA/fleet.pub >/dev/null 2>>dev$i.err &
  dpids="$dpids $!"
  _i=0
  while [ ! -e uart$i ]; do _i=$((_i + 1)); [ $_i -gt 100 ] && fail "no pty for dev$i"; sleep 0.05; done
  fl $i base.cvm1 > err 2>&1 || fail "flash dev$i: $(cat err)"
  _i=0
  while fl $i --status --json > st$i.json 2>err; grep -q '"trial": true' st$i.json; do
    _i=$((_i + 1)); [ $_i -gt 60 ] && fail "dev$i: base not confirmed: $(cat st$i.json)"
    sleep 0.1
  done
  "$ck" copilot --uart uart$i --broker "$B" --ca ca/ca.crt --cert ca/devices/dev$i.crt --key ca/devices/dev$i.key \
    --state state$i --timeout-ms 2000 --will-delay 1 2>>cop$i.err &
  cpids="$cpids $!"
  waitfor broker.log "dev$i [0-9] fleet/devices/dev$i/jobs/notify" 15 || fail "copilot dev$i did not subscribe"
  i=$((i + 1))
done
i=1
while [ $i -le $ndev ]; do
  until_at "$api_B" /devices/dev$i "j['online'] and j['running'] and j['running']['sha256'] == '$BASE'" 20 ||
    fail "dev$i is not online on base in the API: $(GETAT "$api_B" /devices/dev$i)"
  i=$((i + 1))
done
note "$ndev devices with their copilots, online on base"

# the split: both fleetd take messages from the share group
a0=$(ingested A) b0=$(ingested B)
_i=0
while a1=$(ingested A) b1=$(ingested B); [ "${a1:-0}" -le "${a0:-0}" ] || [ "${b1:-0}" -le "${b0:-0}" ]; do
  _i=$((_i + 1)); [ $_i -gt 100 ] && fail "not both ingesting: A $a0 -> $a1, B $b0 -> $b1"
  sleep 0.1
done
note "both ingest: A $a1 messages, B $b1 (shared subscription)"

POSTAT "$api_A" /deployments '{"artifact": "'$NEXT'", "target": {"all": true}, "stages": [25, 50, 75, 100], "max_failures": 0, "job_timeout_s": 120}' > dep.out ||
  fail "POST /deployments"
[ "$(tail -n 1 dep.out)" = 201 ] || fail "deploy: $(cat dep.out)"
dep=$(head -n -1 dep.out | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
note "deployment $dep: next to all, stages [25,50,75,100]"
# mid-rollout: the second stage's notify is out; kill the fleetd it came from
# notifies JOB_INDEX: the url host of the first notify of the deployment's
# JOB_INDEX-th job notified (1: the first), empty while there is none
notifies() {
  python3 - "$dep" "$1" <<'PY2'
import json, sys
dep, k, seen = sys.argv[1], int(sys.argv[2]), {}
for line in open("rec.out"):
    _, topic, payload = (line.rstrip("\n").split(" ", 2) + ["", ""])[:3]
    if not topic.endswith("/jobs/notify"): continue
    try: m = json.loads(payload)
    except ValueError: continue
    if not isinstance(m, dict) or not str(m.get("id", "")).startswith("rollout-%s." % dep) or m.get("cancel"): continue
    seen.setdefault(m["id"], "/".join(m.get("url", "").split("/")[:3]))
urls = list(seen.values())
print(urls[k - 1] if len(urls) >= k else "")
PY2
}
_i=0
while url=$(notifies 2); [ -z "$url" ]; do
  _i=$((_i + 1)); [ $_i -gt 600 ] && fail "the second stage was never notified: $(GETAT "$api_B" /deployments/$dep)"
  sleep 0.1
done
case "$url" in
"$api_A") victim=A survivor=B ;;
"$api_B") victim=B survivor=A ;;
*) fail "the second notify's url '$url' is neither fleetd's" ;;
esac
# the copilot downloads the artifact from the URL its notify carries (the
# victim's): killed mid-rollout means after that download, while the job
# programs, not a download cut off by the kill (that job would fail, rightly)
past_download() {   # the second job notified has reported a phase after its download
  python3 - "$dep" <<'PY3'
import json, sys
dep, ids = sys.argv[1], []
lines = [(l.rstrip("\n").split(" ", 2) + ["", ""])[:3] for l in open("rec.out")]
for _, topic, payload in lines:
    if topic.endswith("/jobs/notify"):
        try: m = json.loads(payload)
        except ValueError: continue
        if isinstance(m, dict) and str(m.get("id", "")).startswith("rollout-%s." % dep) and not m.get("cancel") \
                and m["id"] not in ids: ids.append(m["id"])
if len(ids) < 2: sys.exit(1)
for _, topic, payload in lines:
    if topic.endswith("/jobs/%s/update" % ids[1]):
        try: m = json.loads(payload)
        except ValueError: continue
        if m.get("phase") in ("verifying", "programming", "activating", "trial") or m.get("state") != "QUEUED" and m.get("state") != "IN_PROGRESS": sys.exit(0)
sys.exit(1)
PY3
}
_i=0
until past_download; do
  _i=$((_i + 1)); [ $_i -gt 300 ] && fail "the second stage's job never got past its download"
  sleep 0.1
done
eval "vpid=\$$(echo $victim | tr AB ab)pid"
kill -9 "$vpid"; wait "$vpid" 2>/dev/null
eval "$(echo $victim | tr AB ab)pid="
note "fleetd $victim (sent the second stage's notify) killed with SIGKILL"
eval "api=\$api_$survivor"
until_at "$api" /deployments/$dep "j['settled']" 150 || fail "deployment $dep did not settle: $(GETAT "$api" /deployments/$dep)"
GETAT "$api" /deployments/$dep > depf.json || fail "GET /deployments/$dep"
python3 - > chk.out <<'PY' || fail "$(cat chk.out)"
import json
d = json.load(open("depf.json"))
jobs = [x for s in d["stages"] for x in s["devices"]]
bad = []
if d["state"] != "succeeded": bad.append("state %s" % d["state"])
if sorted(x["device"] for x in jobs) != ["dev1", "dev2", "dev3", "dev4"]: bad.append("jobs %s" % jobs)
for x in jobs:
    if (x["state"], x["reason"]) != ("SUCCEEDED", "confirmed"): bad.append("%s %s %s" % (x["device"], x["state"], x["reason"]))
if bad: print("\n".join(bad)); raise SystemExit(1)
print("succeeded: " + " | ".join(",".join(x["device"] for x in s["devices"]) for s in d["stages"]))
PY
note "fleetd $survivor finished the rollout: $(cat chk.out)"
# the later stages were advanced by the survivor: its URL in their notifies
for k in 3 4; do
  u=$(notifies $k)
  [ "$u" = "$api" ] || fail "job $k notified from '$u', not the survivor $api"
done

# the killed one again on its data dir: what it acknowledged and had not
# written comes from its journal
start_fleetd $victim
grep "journal replayed" fd$victim.err | tail -n 1 | sed 's/^/  /'
for p in $cpids; do kill "$p"; wait "$p" 2>/dev/null; done
cpids=
i=1
while [ $i -le $ndev ]; do
  waitfor rec.out "fleet/devices/dev$i/status .*\"offline\",\"reason\":\"shutdown\"" 10 || fail "no offline status of dev$i"
  i=$((i + 1))
done
# the end: each device's newest telemetry point stored
i=1
while [ $i -le $ndev ]; do
  up=$(grep " fleet/devices/dev$i/telemetry " rec.out | tail -n 1 | sed 's/.*"uptime_ms":\([0-9]*\).*/\1/')
  until_at "$api" "/devices/dev$i/telemetry?limit=100000" "any(p['seq'] == $up for p in j['points'])" 20 ||
    fail "dev$i's newest point (uptime $up) never stored"
  GETAT "$api" "/devices/dev$i/telemetry?limit=100000" > tel$i.json || fail "GET telemetry dev$i"
  i=$((i + 1))
done
python3 - $ndev > chk.out <<'PY' || fail "$(cat chk.out)"
import json, sys
n = int(sys.argv[1])
sent = {"dev%d" % i: set() for i in range(1, n + 1)}
for line in open("rec.out"):
    _, topic, payload = (line.rstrip("\n").split(" ", 2) + ["", ""])[:3]
    parts = topic.split("/")
    if len(parts) != 4 or parts[3] != "telemetry" or parts[2] not in sent: continue
    m = json.loads(payload)
    for v in m["values"]:
        sent[parts[2]].add((v["name"], m["uptime_ms"], v["value"], m["boot_id"]))
bad, total = [], 0
for dev, want in sorted(sent.items()):
    got = [(p["name"], p["seq"], p["value"], p["boot_id"]) for p in json.load(open("tel%s.json" % dev[3:]))["points"]]
    total += len(got)
    if len(got) != len(set(got)): bad.append("%s: %d rows, %d distinct (stored twice)" % (dev, len(got), len(set(got))))
    if set(got) != want:
        bad.append("%s: lost %s, never sent %s" % (dev, sorted(want - set(got))[:5], sorted(set(got) - want)[:5]))
    if len(want) < 20: bad.append("%s sent only %d points" % (dev, len(want)))
if bad: print("\n".join(bad)); sys.exit(1)
print("%d points of %d devices: each stored once, none lost" % (total, n))
PY
note "$(cat chk.out)"
for x in A B; do
  eval "p=\$$(echo $x | tr AB ab)pid"
  kill "$p"; wait "$p"; st=$?
  eval "$(echo $x | tr AB ab)pid="
  [ $st -eq 0 ] || fail "fleetd $x exited $st"
done
echo "PASS"
