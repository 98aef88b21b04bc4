#!/bin/sh
# ingest_client.sh CLIENT COCKPIT ROOT -- fin_client and fin_publish on the
# real mosquitto (`cockpit ca`, mutual TLS): test_ingest_client first meets
# a port where nothing listens (not connected, publish refused), then the
# broker; a device (mosquitto_sub with dev1's certificate) gets its command
# with the MQTT 5 message expiry fleetd set, and the retained job notify,
# also when it subscribes after the fact.
set -u
client=$1 ck=$2 root=$3
for t in /usr/sbin/mosquitto mosquitto_sub python3; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed (scripts/install-deps.sh)"; exit 77; }
done
d=$(mktemp -d /tmp/fleet-ingest-client.XXXXXX)
spid=
BROKER_ON_EXIT='[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$d"'
. "$root/tests/common/broker.sh"
cd "$d" || exit 1
fail() { echo "FAIL: $*"; for f in client.out sub.out late.out broker.log; do [ -s $f ] && { echo "--- $f"; tail -n 15 $f; }; done; exit 1; }
{ "$ck" ca init ca && "$ck" ca issue ca --server localhost && "$ck" ca issue ca --server fleetd &&
  "$ck" ca issue ca --device dev1; } >/dev/null 2>err || fail "cockpit ca: $(cat err)"
BROKER_VERBOSE=1 broker_start_ca "$ck" ca "$d" || fail "no broker"
dev="--cafile ca/ca.crt --cert ca/devices/dev1.crt --key ca/devices/dev1.key"
# shellcheck disable=SC2086
mosquitto_sub -i dev1 -h localhost -p $BROKER_PORT $dev -V mqttv5 -q 1 -t fleet/devices/dev1/cmd -C 1 -W 30 \
  -F '%j' > sub.out 2>sub.err & spid=$!
i=0; until grep -q "dev1 1 fleet/devices/dev1/cmd" broker.log; do i=$((i + 1)); [ $i -gt 200 ] && fail "no subscriber"; sleep 0.05; done
dead=$(broker_port)
mkdir data
"$client" data "mqtts://localhost:$dead" "mqtts://localhost:$BROKER_PORT" ca/ca.crt ca/servers/fleetd.crt \
  ca/servers/fleetd.key > client.out 2>&1 || fail "test_ingest_client"
grep -q "^published" client.out || fail "nothing published"
wait "$spid"; spid=
python3 - <<'PY' || fail "the command as the device got it: $(cat sub.out)"
import json, sys
m = json.load(open("sub.out"))
ok = json.loads(m["payload"])["id"] == "c-1" and m["qos"] == 1 and not m["retain"]
exp = m.get("properties", {}).get("message-expiry-interval")
sys.exit(0 if ok and exp is not None and 0 < exp <= 60 else 1)
PY
echo "  the command reached the device, QoS 1, with its message expiry"
# shellcheck disable=SC2086
mosquitto_sub -i dev1-late -h localhost -p $BROKER_PORT $dev -V mqttv5 -q 1 -t fleet/devices/dev1/jobs/notify \
  -C 1 -W 10 -F '%r %p' > late.out 2>&1 || fail "no retained notify"
grep -q '^1 {"v":1,"id":"j-1","cancel":true}$' late.out || fail "retained notify: $(cat late.out)"
echo "  the job notify is retained: a device subscribing later gets it"
echo "fleet.ingest.client: ok"
