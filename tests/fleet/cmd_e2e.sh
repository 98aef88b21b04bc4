#!/bin/sh
# cmd_e2e.sh COCKPIT ROOT [DB] -- commands to a device end to end: the fleet
# CA from `cockpit ca`, the real mosquitto it configures (tests/common/broker.sh,
# mutual TLS, a free loopback port), `cockpit fleetd --broker` on SQLite in a
# temp folder (or DB, a postgresql:// URL from pg_run.sh), a simulated device
# (`cockpit device` on a pty) with `cockpit copilot` on its link, and the API
# (POST /api/v1/devices/dev1/commands) with an operator token:
#   - reboot: the command succeeds (the device's cmd/response) and the
#     device's boot id in the API changes
#   - the blackbox: the program faults 3 s after each boot (a record);
#     blackbox-read publishes the records (they land in /crashes),
#     blackbox-clear clears up to the newest one fleetd holds, and a
#     blackbox-read after it finds none
#   - telemetry-interval succeeds with the interval in force as its result
#   - a command whose expiry runs out while the copilot is away is expired
#     and never runs: after the copilot is back, a later command is answered
#     and the stale one never is
#   - a viewer cannot command (403); an unknown device is 404
set -u
ck=$1 root=$2 db=${3:-}
for t in /usr/sbin/mosquitto mosquitto_sub python3 curl; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed (scripts/install-deps.sh)"; exit 77; }
done
d=$(mktemp -d /tmp/fleet-cmd-e2e.XXXXXX)
fpid= dpid= cpid= rpid=
BROKER_ON_EXIT='for p in $cpid $rpid $fpid $dpid; do kill "$p" 2>/dev/null; done
for p in $cpid $rpid $fpid $dpid; do wait "$p" 2>/dev/null; done
[ -n "${CMD_KEEP:-}" ] && echo "kept $d" || rm -rf "$d"'
. "$root/tests/common/broker.sh"
cd "$d" || exit 1
t_start=$(date +%s.%N)
note() { printf '%6.2f s  %s\n' "$(echo "$(date +%s.%N) - $t_start" | bc)" "$*"; }
fail() {
  echo "FAIL: $*"
  [ -s rec.out ] && { echo "--- rec.out"; grep -v '/telemetry \|/logs ' rec.out | tail -n 20; }
  echo "--- fleetd log"; tail -n 30 fd.err 2>/dev/null
  echo "--- copilot log"; tail -n 30 cop.err 2>/dev/null
  echo "--- broker log"; tail -n 20 broker.log 2>/dev/null
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

{ "$ck" ca init ca && "$ck" ca issue ca --server localhost && "$ck" ca issue ca --server fleetd --alt 127.0.0.1 &&
  "$ck" ca issue ca --device dev1; } >/dev/null 2>err || fail "cockpit ca: $(cat err)"
BROKER_VERBOSE=1 broker_start_ca "$ck" ca "$d" || fail "no broker"
B="mqtts://localhost:$BROKER_PORT"
T=fleet/devices/dev1
tls_be="--cafile ca/ca.crt --cert ca/servers/fleetd.crt --key ca/servers/fleetd.key"
tls_dev="--cafile ca/ca.crt --cert ca/devices/dev1.crt --key ca/devices/dev1.key"
# the recorder: what goes to and comes from the device, with the backend's identity
# shellcheck disable=SC2086
mosquitto_sub -i recorder -h localhost -p $BROKER_PORT $tls_be -V mqttv5 -q 1 -F '%t %p' -t "$T/#" \
  > rec.out 2>rec.err & rpid=$!
waitfor broker.log "recorder 1 $T/#" 10 || fail "no recorder"

dbargs=
[ -n "$db" ] && dbargs="--db $db"
# shellcheck disable=SC2086
op=$("$ck" fleetd token --data data --role operator --name ops $dbargs 2>err) || fail "token: $(cat err)"
# shellcheck disable=SC2086
viewer=$("$ck" fleetd token --data data --role viewer --name eyes $dbargs 2>err) || fail "token: $(cat err)"
# shellcheck disable=SC2086
"$ck" fleetd --data data --listen 127.0.0.1:0 --broker "$B" --ca ca/ca.crt --cert ca/servers/fleetd.crt \
  --key ca/servers/fleetd.key $dbargs > fd.out 2>>fd.err & fpid=$!
waitfor fd.out "^listening on" 10 || fail "fleetd did not start"
api=$(sed -n 's|^listening on \(https\{0,1\}://[^ ]*\).*|\1|p' fd.out)
waitfor fd.err "broker: connected" 15 || fail "fleetd did not connect to the broker"
waitfor broker.log "fleetd-[^ ]* 1 \$share/fleetd/fleet/devices/+/cmd/response" 10 || fail "fleetd did not subscribe"

GET() { curl -sf --cacert ca/ca.crt -H "Authorization: Bearer $op" "$api/api/v1$1"; }
# POST PATH BODY [TOKEN]: the body to cmd.json, the status printed
POST() {
  curl -s --cacert ca/ca.crt -o cmd.json -w '%{http_code}' -H "Authorization: Bearer ${3:-$op}" -H 'Content-Type: application/json' \
    -d "$2" "$api/api/v1$1"
}
jget() { python3 -c "import json,sys; print(json.load(open('$1'))$2)"; }
# until_api PATH PYEXPR [SECONDS]: poll until PYEXPR holds for the JSON at PATH (as j)
until_api() {
  _i=0
  while ! GET "$1" 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($2) else 1)" 2>/dev/null; do
    _i=$((_i + 1)); [ $_i -gt $((${3:-15} * 10)) ] && return 1
    sleep 0.1
  done
}
# command BODY: POST it (202), its id in $cid
command() {
  st=$(POST /devices/dev1/commands "$1")
  [ "$st" = 202 ] || fail "POST commands $1: $st $(cat cmd.json)"
  cid=$(jget cmd.json '["id"]')
}
# settles CID STATE: the command reaches STATE in the API
settles() {
  until_api "/devices/dev1/commands/$1" 'j["state"] == "'"$2"'"' 20 ||
    fail "command $1 is not $2: $(GET "/devices/dev1/commands/$1")"
}

cat > prog.c <<'C'
#include "cockpit.h"
int n;
int zero;
void setup(void) { }
void loop(void) {
  n++;
  telemetry("temp", 1000 + n);
  if (n == 30) printf("%d\n", 1 / zero);   /* a fault, 3 s after each boot */
  delay(100);
}
C
"$ck" build prog.c -o prog.cvm1 --version 1.0.0 --counter 1 >/dev/null 2>err || fail "build: $(cat err)"
"$ck" device --flash img --uart uart --health-ms 300 >/dev/null 2>>dev.err & dpid=$!
_i=0
while [ ! -e uart ]; do _i=$((_i + 1)); [ $_i -gt 100 ] && fail "no pty"; sleep 0.05; done
"$ck" flash --uart uart --timeout-ms 3000 --quiet prog.cvm1 > err 2>&1 || fail "flash: $(cat err)"
_i=0
while "$ck" flash --uart uart --timeout-ms 3000 --quiet --status --json > st.json 2>err; grep -q '"trial": true' st.json; do
  _i=$((_i + 1)); [ $_i -gt 40 ] && fail "not confirmed: $(cat st.json)"
  sleep 0.1
done
copilot() {
  # shellcheck disable=SC2086
  "$ck" copilot --uart uart --broker "$B" $(echo $tls_dev | sed 's/--cafile/--ca/') --state state \
    --timeout-ms 2000 2>>cop.err & cpid=$!
  waitfor cop.err "broker: connected" 15 "$1" || fail "the copilot did not connect"
}
copilot 1
until_api /devices/dev1 'j["online"] and j["boot_id"]' 15 || fail "the device is not online in the API: $(GET /devices/dev1)"
b0=$(GET /devices/dev1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["boot_id"])')
note "dev1 online in the API, boot $b0"

# refusals through the real server
st=$(POST /devices/dev1/commands '{"command":"reboot"}' "$viewer")
[ "$st" = 403 ] || fail "a viewer's command: $st $(cat cmd.json)"
st=$(POST /devices/nobody/commands '{"command":"reboot"}')
[ "$st" = 404 ] || fail "an unknown device: $st $(cat cmd.json)"
st=$(POST /devices/dev1/commands '{"command":"reboot","value":3}')
[ "$st" = 400 ] || fail "reboot with a value: $st $(cat cmd.json)"

# reboot: succeeded, published with its MQTT 5 expiry, and a new boot id
command '{"command":"reboot","expiry_s":30}'
rb=$cid
msg=$(jget cmd.json '["msg_id"]')
settles "$rb" succeeded
grep -q "^$T/cmd .*\"id\":\"$msg\",\"op\":\"reboot\"" rec.out || fail "no reboot on $T/cmd"
grep -q "^$T/cmd/response .*\"id\":\"$msg\".*\"ok\":true" rec.out || fail "no response to $msg"
until_api /devices/dev1 'j["boot_id"] and j["boot_id"] != "'"$b0"'"' 20 ||
  fail "the boot id did not change: $(GET /devices/dev1)"
b1=$(GET /devices/dev1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["boot_id"])')
# the result: the boot the device restarted from
until_api "/devices/dev1/commands/$rb" 'j["result"] == int("'"$b0"'", 16)' 5 ||
  fail "reboot's result is not boot $b0: $(GET "/devices/dev1/commands/$rb")"
note "reboot (command $rb, $msg): succeeded; boot $b0 -> $b1"

# the blackbox: the fault after the reboot reaches /crashes by itself
until_api /devices/dev1/crashes 'any(c["boot_id"] == "'"$b1"'" for c in j["crashes"])' 20 ||
  fail "no crash record of boot $b1: $(GET /devices/dev1/crashes)"
command '{"command":"blackbox-read"}'
settles "$cid" succeeded
until_api "/devices/dev1/commands/$cid" 'j["result"] >= 1 and j["value"] == 0' 5 ||
  fail "blackbox-read: $(GET "/devices/dev1/commands/$cid")"
note "blackbox-read (command $cid): $(GET "/devices/dev1/commands/$cid" | python3 -c 'import json,sys; j=json.load(sys.stdin); print("%s, %d record(s) published" % (j["state"], j["result"]))')"
next=$(GET /devices/dev1/crashes | python3 -c 'import json,sys; print(max(c["seq"] for c in json.load(sys.stdin)["crashes"]) + 1)')
command '{"command":"blackbox-clear"}'
[ "$(jget cmd.json '["value"]')" = "$next" ] || fail "blackbox-clear's default is not $next: $(cat cmd.json)"
settles "$cid" succeeded
until_api "/devices/dev1/commands/$cid" 'j["result"] == '"$next" 5 ||
  fail "blackbox-clear: the device's next record is not $next: $(GET "/devices/dev1/commands/$cid")"
command '{"command":"blackbox-read"}'
settles "$cid" succeeded
until_api "/devices/dev1/commands/$cid" 'j["result"] == 0' 5 || fail "records left after the clear: $(GET "/devices/dev1/commands/$cid")"
note "blackbox-clear below $next succeeded; a blackbox-read after it found no record"

command '{"command":"telemetry-interval","value":700}'
settles "$cid" succeeded
until_api "/devices/dev1/commands/$cid" 'j["result"] == 700' 5 || fail "telemetry-interval result: $(GET "/devices/dev1/commands/$cid")"
note "telemetry-interval 700 (command $cid): succeeded, result 700"

# stale: the copilot away, a command with a 1 s expiry is expired and never runs
kill "$cpid"; wait "$cpid"; cpid=
until_api /devices/dev1 'j["online"] is False' 15 || fail "the device stays online in the API"
command '{"command":"blackbox-read","expiry_s":1}'
stale=$cid
smsg=$(jget cmd.json '["msg_id"]')
settles "$stale" expired
copilot 2
command '{"command":"telemetry-interval","value":1000}'
settles "$cid" succeeded
grep -q "cmd $smsg: blackbox_read" cop.err && fail "the stale command ran: $(grep "$smsg" cop.err)"
grep -q "^$T/cmd/response .*\"id\":\"$smsg\".*\"ok\":true" rec.out && fail "the stale command was answered ok"
[ "$(GET "/devices/dev1/commands/$stale" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = expired ] ||
  fail "the stale command's state changed"
note "a command that expired while the copilot was away never ran; the next one ($cid) did"

GET /devices/dev1/commands | python3 -c '
import json, sys
v = json.load(sys.stdin)["commands"]
ids = [c["id"] for c in v]
assert ids == sorted(ids, reverse=True), ids
assert [c["state"] for c in v] == ["succeeded", "expired"] + ["succeeded"] * 5, [c["state"] for c in v]
assert all(c["created_by"] == "ops" for c in v)
' || fail "the list: $(GET /devices/dev1/commands)"
note "the list, newest first: $(GET /devices/dev1/commands | python3 -c 'import json,sys; print([(c["command"], c["state"]) for c in json.load(sys.stdin)["commands"]])')"
kill "$cpid"; wait "$cpid"; cpid=
kill "$fpid"; wait "$fpid"; fst=$?; fpid=
[ $fst -eq 0 ] || fail "fleetd exited $fst"
echo "PASS"
