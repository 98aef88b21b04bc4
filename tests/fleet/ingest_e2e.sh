#!/bin/sh
# ingest_e2e.sh CASE COCKPIT ROOT [DB] -- fleetd's MQTT ingest end to end:
# the fleet CA from `cockpit ca`, the real mosquitto it configures
# (tests/common/broker.sh, mutual TLS, a free loopback port), `cockpit
# fleetd --broker` on SQLite in a temp folder (or DB, a postgresql:// URL
# from pg_run.sh), and for flow/broker a simulated device (`cockpit device`
# on a pty) with `cockpit copilot` on its link. A recorder (mosquitto_sub
# with the backend's identity, its own plain subscription) keeps what the
# device sent; the API must show exactly that.
#   flow    telemetry, logs, events and the device's status as the API
#           gives them (GET /devices/{id}, /telemetry, /logs, /events) are
#           what the device sent, each once; last_seen is the newest
#           message's time; the copilot stopped: offline
#   broker  the broker stopped for 5 s while the device runs, then started
#           again: the copilot's queue is delivered, and the store has
#           every log line (numbers without a gap) and telemetry 1 s apart
#           throughout, the same as the recorder (fleetd --no-share: see
#           start_fleetd below)
#   dup     the same messages published twice with mosquitto_pub (a
#           telemetry, a log line, an event, a blackbox record read twice):
#           stored once; two events in one millisecond both; a crash with
#           file, line, function and version; malformed, oversized and
#           wrong-schema messages refused with their reason, nothing stored
#           for them, the ingest goes on; an unknown topic never reaches
#           fleetd; a job update goes to the callback only
#   export  retention and OTLP through the real fleetd: a point and a line 3
#           days old are pruned by --retain-days 1 while fresh ones stay;
#           device log lines reach an OTLP collector (--otlp), and the last
#           metrics go out when fleetd stops
#   stop    fleetd holds messages it acknowledged in its unwritten batch
#           (--ingest-flush-ms of an hour): none is in the store yet; its
#           SIGTERM writes them before it exits
#   share   two fleetd on one database, one shared subscription group: the
#           broker splits the messages between them (each gets some), and
#           the store has every one once, also when all are sent twice
set -u
case_=$1 ck=$2 root=$3 db=${4:-}
for t in /usr/sbin/mosquitto mosquitto_pub mosquitto_sub python3 curl; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed (scripts/install-deps.sh)"; exit 77; }
done
d=$(mktemp -d /tmp/fleet-ingest-e2e.XXXXXX)
fpid= fpid2= dpid= cpid= rpid= spid=
BROKER_ON_EXIT='for p in $cpid $rpid $fpid $fpid2 $dpid $spid; do kill "$p" 2>/dev/null; done
for p in $cpid $rpid $fpid $fpid2 $dpid $spid; do wait "$p" 2>/dev/null; done
[ -n "${INGEST_KEEP:-}" ] && echo "kept $d" || rm -rf "$d"'
. "$root/tests/common/broker.sh"
cd "$d" || exit 1
t_start=$(date +%s.%N)
note() { printf '%6.2f s  %s\n' "$(echo "$(date +%s.%N) - $t_start" | bc)" "$*"; }
fail() {
  echo "FAIL ($case_): $*"
  for f in chk.out rec.out; do [ -s $f ] && { echo "--- $f"; tail -n 20 $f; }; done
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

# the fleet CA: the broker, the backend (fleetd), one device
{ "$ck" ca init ca && "$ck" ca issue ca --server localhost && "$ck" ca issue ca --server fleetd --alt 127.0.0.1 &&
  "$ck" ca issue ca --device dev1; } >/dev/null 2>err || fail "cockpit ca: $(cat err)"
# persistence: the backend's sessions (the shared subscription, what is
# queued for it) survive a broker restart
broker_start_ca "$ck" ca "$d" || fail "no broker"
sed -i "s|^persistence false|persistence true\npersistence_location $d/|" "$BROKER_CONF"
broker_stop
BROKER_VERBOSE=1 broker_start "$d" "$BROKER_CONF" "$BROKER_PORT" || fail "no broker with persistence"
B="mqtts://localhost:$BROKER_PORT"
T=fleet/devices/dev1
tls_be="--cafile ca/ca.crt --cert ca/servers/fleetd.crt --key ca/servers/fleetd.key"
tls_dev="--cafile ca/ca.crt --cert ca/devices/dev1.crt --key ca/devices/dev1.key"

# the recorder: a plain (not shared) subscription of its own, a persistent session
# shellcheck disable=SC2086
mosquitto_sub -i recorder -c -x 600 -h localhost -p $BROKER_PORT $tls_be -V mqttv5 -q 1 -F '%t %p' -t "$T/#" \
  > rec.out 2>rec.err & rpid=$!
waitfor broker.log "recorder 1 $T/#" 10 || fail "no recorder"

dbargs=
[ -n "$db" ] && dbargs="--db $db"
# share: two fleetd on one database (SQLite: one file both open)
[ "$case_" = share ] && [ -z "$db" ] && dbargs="--db sqlite:$d/shared.db"
# shellcheck disable=SC2086
tok=$("$ck" fleetd token --data data --role viewer --name e2e $dbargs 2>err) || fail "token: $(cat err)"
# shared subscriptions, but for the broker case: mosquitto 2.0 does not keep
# shared subscriptions over its own restart (plain ones it does), so a
# copilot that reconnects before fleetd would deliver its queue to nobody
share=
[ "$case_" = broker ] && share=--no-share
# stop: batches only by count (500) or an hour, so what fleetd holds is
# written by its SIGTERM, nothing else
extra=
[ "$case_" = stop ] && extra=--ingest-flush-ms=3600000
start_fleetd() {
  # shellcheck disable=SC2086
  "$ck" fleetd --data data --listen 127.0.0.1:0 --broker "$B" --ca ca/ca.crt --cert ca/servers/fleetd.crt \
    --key ca/servers/fleetd.key $share $extra $dbargs > fd.out 2>>fd.err & fpid=$!
  waitfor fd.out "^listening on" 10 || fail "fleetd did not start"
  api=$(sed -n 's|^listening on \(https\{0,1\}://[^ ]*\).*|\1|p' fd.out)
  waitfor fd.err "broker: connected" 15 || fail "fleetd did not connect to the broker"
  if [ -n "$share" ]; then
    waitfor broker.log "fleetd-[^ ]* 1 fleet/devices/+/cmd/response" 10 || fail "fleetd did not subscribe"
  else
    waitfor broker.log "fleetd-[^ ]* 1 \$share/fleetd/fleet/devices/+/cmd/response" 10 || fail "fleetd did not subscribe"
  fi
}
# start_fleetd2: a second fleetd (its own data folder, so its own client id)
start_fleetd2() {
  # shellcheck disable=SC2086
  "$ck" fleetd --data data2 --listen 127.0.0.1:0 --broker "$B" --ca ca/ca.crt --cert ca/servers/fleetd.crt \
    --key ca/servers/fleetd.key $dbargs > fd2.out 2>>fd2.err & fpid2=$!
  waitfor fd2.out "^listening on" 10 || fail "the second fleetd did not start"
  waitfor fd2.err "broker: connected" 15 || fail "the second fleetd did not connect"
  waitfor broker.log "fleetd-[^ ]* 1 \$share/fleetd/fleet/devices/+/cmd/response" 10 2 || fail "the second fleetd did not subscribe"
}
start_fleetd
note "fleetd $api ingesting from $B ($(sed -n 's/.*(\(.*\) subscriptions).*/\1/p' fd.err | head -1) subscriptions)"
GET() { curl -sf --cacert ca/ca.crt -H "Authorization: Bearer $tok" "$api/api/v1$1"; }
# until_api PATH PYEXPR [SECONDS]: poll until PYEXPR holds for the JSON at PATH (as j)
until_api() {
  _i=0
  while ! GET "$1" 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($2) else 1)" 2>/dev/null; do
    _i=$((_i + 1)); [ $_i -gt $((${3:-15} * 10)) ] && return 1
    sleep 0.1
  done
}

# compare: the API's rows against what the recorder saw (python, below)
compare() {
  GET /devices/dev1 > dev.json || fail "GET /devices/dev1"
  GET "/devices/dev1/telemetry?limit=100000" > tel.json || fail "GET telemetry"
  GET "/devices/dev1/logs?limit=1000" > logs.json || fail "GET logs"
  GET "/devices/dev1/events?limit=1000" > events.json || fail "GET events"
  python3 - "$1" > chk.out <<'PY' || fail "$(cat chk.out)"
import json, sys
mode = sys.argv[1]
tel, logs, events, times, hb, status = set(), set(), set(), [], [], []
for line in open("rec.out"):
    topic, _, payload = line.rstrip("\n").partition(" ")
    try:
        m = json.loads(payload)
    except ValueError:
        continue
    if not isinstance(m, dict) or "type" not in m:
        continue   # the backend's own commands
    times.append(m["time"])
    kind = topic.rsplit("/", 1)[1]
    if kind == "telemetry":
        for v in m["values"]:
            tel.add((v["name"], m["uptime_ms"], v["value"], m["boot_id"]))
    elif kind == "logs":
        logs.add((m["line"], m["text"], m["boot_id"]))
    elif kind == "events":
        events.add((m["event"] if m["type"] == "event" else m["type"], m["uptime_ms"] or 0))
    elif kind == "response":
        events.add(("cmd_response", m["uptime_ms"] or 0))
    elif kind == "heartbeat":
        hb.append(m)
    elif kind == "status":
        status.append(m)
dev = json.load(open("dev.json"))
api_tel = [(p["name"], p["seq"], p["value"], p["boot_id"]) for p in json.load(open("tel.json"))["points"]]
api_logs = [(l["seq"], l["text"], l["boot_id"]) for l in json.load(open("logs.json"))["logs"]]
api_ev = [(e["kind"], e["seq"]) for e in json.load(open("events.json"))["events"]]
bad = []
def same(what, api, rec):
    if len(api) != len(set(api)): bad.append("%s stored twice: %d rows, %d distinct" % (what, len(api), len(set(api))))
    if set(api) != rec:
        bad.append("%s differ: only in the store %s, only sent %s" % (what, sorted(set(api) - rec)[:5], sorted(rec - set(api))[:5]))
same("telemetry", api_tel, tel)
same("logs", api_logs, logs)
same("events", api_ev, events)
if not tel or not logs or not events: bad.append("too little sent: %d points, %d lines, %d events" % (len(tel), len(logs), len(events)))
from datetime import datetime, timezone
def ms(t): return int(datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() * 1000 + 0.5)
newest = max(ms(t) for t in times)
if dev["last_seen"] != newest: bad.append("last_seen %s, newest message %s" % (dev["last_seen"], newest))
on = [s for s in status if s["state"] == "online" and s["device"]]
if not on: bad.append("no status with the device")
else:
    s = on[-1]["device"]
    if dev["running"] != {"sha256": s["digest"], "version": s["version"]}: bad.append("running %s, status %s" % (dev["running"], s))
    if dev["reset_reason"] != s["reset_reason"]: bad.append("reset_reason %s" % dev["reset_reason"])
    if dev["banks"].get("running") != s["bank"] or dev["banks"].get("program") != s["program"]: bad.append("banks %s" % dev["banks"])
if dev["boot_id"] != hb[-1]["boot_id"]: bad.append("boot_id %s, heartbeats %s" % (dev["boot_id"], hb[-1]["boot_id"]))
if dev["online"] is not False: bad.append("online after the copilot stopped")
if mode == "broker":
    seqs = sorted(s for s, _, _ in api_logs)
    if seqs != list(range(seqs[0], seqs[0] + len(seqs))): bad.append("log lines missing: %s" % seqs)
    for name in set(n for n, _, _, _ in api_tel):
        ups = sorted(u for n, u, _, _ in api_tel if n == name)
        gaps = [b - a for a, b in zip(ups, ups[1:]) if b - a > 1600]
        if gaps: bad.append("telemetry %s has gaps %s" % (name, gaps))
    if any(k == "dropped" for k, _ in api_ev): bad.append("the copilot dropped messages")
if bad:
    print("\n".join(bad)); sys.exit(1)
print("%d points, %d log lines, %d events: the store has what the device sent, each once; last_seen %d"
      % (len(api_tel), len(api_logs), len(api_ev), newest))
PY
  note "$(cat chk.out)"
}

device_and_copilot() {
  cat > prog.c <<'C'
#include "cockpit.h"
int n;
void setup(void) { }
void loop(void) {
  n++;
  telemetry("temp", 1000 + n);
  if (n % 5 == 0) printf("tick %d\n", n);
  if (n % 10 == 0) event_emit("ticks", n);
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
  # shellcheck disable=SC2086
  "$ck" copilot --uart uart --broker "$B" $(echo $tls_dev | sed 's/--cafile/--ca/') --state state \
    --timeout-ms 2000 2>>cop.err & cpid=$!
  waitfor cop.err "broker: connected" 15 || fail "the copilot did not connect"
}
stop_copilot() {
  kill "$cpid"; wait "$cpid"; cpid=
  waitfor rec.out "^$T/status .*\"offline\",\"reason\":\"shutdown\"" 10 || fail "no offline status"
  # the end: the API has the newest message the device sent (not just
  # "offline": a broker going down publishes the copilot's will at once)
  newest=$(python3 -c '
import json, sys
from datetime import datetime, timezone
t = []
for line in open("rec.out"):
    try: m = json.loads(line.partition(" ")[2])
    except ValueError: continue
    if isinstance(m, dict) and "time" in m and "type" in m:
        t.append(int(datetime.strptime(m["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() * 1000 + 0.5))
print(max(t))')
  until_api /devices/dev1 'j["online"] is False and j["last_seen"] == '"$newest" 20 ||
    fail "the API never caught up ($newest): $(GET /devices/dev1)"
}

case $case_ in
flow)
  device_and_copilot
  waitfor rec.out "^$T/logs " 20 3 || fail "no log lines"
  waitfor rec.out "^$T/telemetry " 20 3 || fail "no telemetry"
  # events: the copilot's own (a refused command), and a command's answer
  BP() { mosquitto_pub -i fleetd-pub -h localhost -p $BROKER_PORT $tls_be -V mqttv5 -q 1 "$@" || fail "mosquitto_pub $*"; }
  exp=$(date -u -d '+60 sec' +%Y-%m-%dT%H:%M:%S.000Z)
  BP -t $T/cmd -m '{not json'
  BP -t $T/cmd -m '{"v":1,"id":"c1","op":"telemetry_interval","interval_ms":1000,"expires":"'$exp'"}'
  waitfor rec.out "^$T/events .*\"refused\"" 20 || fail "no refused event"
  waitfor rec.out "^$T/cmd/response .*\"c1\"" 20 || fail "no command response"
  until_api /devices/dev1 'j["online"] and j["running"]["version"] == "1.0.0"' 15 ||
    fail "the device is not online in the API: $(GET /devices/dev1)"
  note "the device is online in the API: $(GET /devices/dev1 | cut -c1-160)"
  stop_copilot
  compare flow
  ;;
broker)
  device_and_copilot
  waitfor rec.out "^$T/logs " 20 2 || fail "no log lines"
  l0=$(grep "^$T/logs " rec.out | tail -1 | sed 's/.*"line":\([0-9]*\),.*/\1/')
  broker_stop
  note "broker stopped"
  waitfor cop.err "broker: connection lost" 5 || fail "the copilot did not see the broker go"
  sleep 5
  BROKER_VERBOSE=1 broker_start "$d" "$BROKER_CONF" "$BROKER_PORT" || fail "the broker did not start again"
  note "broker started again"
  waitfor cop.err "broker: connected" 30 2 || fail "the copilot did not reconnect"
  waitfor fd.err "broker: connected" 30 2 || fail "fleetd did not reconnect"
  # the recorder (mosquitto_sub) reconnects on its own; when it has not
  # within 15 s it is started again on its kept session, which the broker
  # held with what came meanwhile (seen stuck once on a loaded machine)
  if ! waitfor broker.log "as recorder" 15; then
    note "the recorder did not reconnect; started again on its session"
    kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null
    # shellcheck disable=SC2086
    mosquitto_sub -i recorder -c -x 600 -h localhost -p $BROKER_PORT $tls_be -V mqttv5 -q 1 -F '%t %p' -t "$T/#" \
      >> rec.out 2>>rec.err & rpid=$!
  fi
  # lines go in order (the copilot's queue first): once a line made well
  # after the outage has come, every line made during it has come too
  want=$((l0 + 16))
  waitfor rec.out "^$T/logs .*\"line\":$want," 40 || fail "no line $want after the restart"
  stop_copilot
  compare broker
  grep -q "broker: backoff" fd.err || fail "fleetd did not back off"
  ;;
export)
  P() { mosquitto_pub -i dev1-pub -h localhost -p $BROKER_PORT $tls_dev -V mqttv5 -q 1 "$@" || fail "mosquitto_pub $*"; }
  old=$(date -u -d '-3 days' +%Y-%m-%dT%H:%M:%S.000Z); now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
  P -t $T/telemetry -m '{"v":1,"time":"'$old'","boot_id":"01d0b007","uptime_ms":1000,"type":"telemetry","values":[{"name":"temp","value":1,"guest":true}]}'
  P -t $T/logs -m '{"v":1,"time":"'$old'","boot_id":"01d0b007","uptime_ms":1000,"type":"log","line":1,"lost":0,"level":1,"text":"old line"}'
  P -t $T/telemetry -m '{"v":1,"time":"'$now'","boot_id":"5ec0b007","uptime_ms":2000,"type":"telemetry","values":[{"name":"temp","value":2,"guest":true}]}'
  P -t $T/logs -m '{"v":1,"time":"'$now'","boot_id":"5ec0b007","uptime_ms":2000,"type":"log","line":1,"lost":0,"level":1,"text":"new line"}'
  until_api "/devices/dev1/logs" 'len(j["logs"]) == 2' 15 || fail "the lines were not stored: $(GET /devices/dev1/logs)"
  kill -TERM $fpid; wait $fpid; fpid=
  python3 "$root/tests/fleet/otlp_sink.py" sink.port sink.out & spid=$!
  waitfor sink.port . 10 || fail "the OTLP sink did not start"
  extra="--retain-days 1 --otlp http://127.0.0.1:$(cat sink.port)"
  start_fleetd
  until_api "/devices/dev1/logs" '[l["text"] for l in j["logs"]] == ["new line"]' 20 ||
    fail "the old line was not pruned: $(GET /devices/dev1/logs)"
  until_api "/devices/dev1/telemetry?from=0" '[p["value"] for p in j["points"]] == [2]' 5 ||
    fail "the old point was not pruned: $(GET '/devices/dev1/telemetry?from=0')"
  grep -q "retention: 1 telemetry points and 1 log lines pruned" fd.err || fail "no retention line in fleetd's log"
  note "--retain-days 1: the 3-day-old point and line pruned, the fresh ones kept"
  P -t $T/logs -m '{"v":1,"time":"'$now'","boot_id":"5ec0b007","uptime_ms":3000,"type":"log","line":2,"lost":0,"level":2,"text":"to the collector"}'
  waitfor sink.out '^/v1/logs .*to the collector' 15 || fail "the line did not reach the OTLP collector"
  grep '^/v1/logs .*to the collector' sink.out | grep -q '"device.id".*"dev1"' || fail "no device.id on the OTLP record"
  kill -TERM $fpid; wait $fpid; fpid=
  waitfor sink.out '^/v1/metrics .*fleet_ingest_messages_total' 5 || fail "no metrics export at the stop"
  note "a device's log line reached the OTLP collector with its device id; the metrics went out at the stop"
  kill $spid; wait $spid 2>/dev/null; spid=
  extra=
  start_fleetd   # for the common end: stopped by SIGTERM, exit 0
  ;;
dup)
  P() { mosquitto_pub -i dev1-pub -h localhost -p $BROKER_PORT $tls_dev -V mqttv5 -q 1 "$@" || fail "mosquitto_pub $*"; }
  ENV='"v":1,"time":"2026-12-03T07:01:02.345Z","boot_id":"5ec0b007","uptime_ms":8123456'
  tel='{'$ENV',"type":"telemetry","values":[{"name":"temp","value":215,"guest":true},{"name":"steps","value":9,"guest":false}]}'
  log='{'$ENV',"type":"log","line":41,"lost":0,"level":1,"text":"led on"}'
  ev1='{'$ENV',"type":"event","event":"exited","bank":"B","value":0,"pc":0,"version":"1.4.0","name":""}'
  ev2='{'$ENV',"type":"event","event":"started","bank":"B","value":0,"pc":0,"version":"1.4.0","name":""}'
  bb='"type":"blackbox","seq":12,"kind":"fault","fault":4,"reset_reason":"watchdog","bank":"B","pc":288,"line":17,"func":3,"func_name":"loop","file":"blink.c","version":"2.0.0","counter":9,"digest":"101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f","rec_boot_id":"5ec0b007","rec_uptime_ms":8000000'
  bb1='{'$ENV','$bb'}'
  bb2='{"v":1,"time":"2026-12-03T07:05:00.000Z","boot_id":"5ec0b007","uptime_ms":8361000,'$bb'}'
  job='{'$ENV',"type":"job_update","job":"j1","seq":1,"state":"QUEUED","phase":null,"percent":null,"reason":null,"device":null,"version":"1.0.0","sha256":"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"}'
  P -t $T/telemetry -m "$tel"; P -t $T/telemetry -m "$tel"
  P -t $T/logs -m "$log"; P -t $T/logs -m "$log"
  P -t $T/events -m "$ev1"; P -t $T/events -m "$ev2"; P -t $T/events -m "$ev1"
  P -t $T/blackbox -m "$bb1"; P -t $T/blackbox -m "$bb2"
  P -t $T/jobs/j1/update -m "$job"
  # refused: malformed, oversized, another schema, a payload on the wrong topic, an unknown topic
  P -t $T/logs -m '{"v":1,'
  head -c 5000 /dev/zero | tr '\0' ' ' > big.txt; P -t $T/logs -f big.txt
  P -t $T/logs -m '{"v":2,"type":"log"}'
  P -t $T/telemetry -m "$log"
  P -t $T/nonsense -m "$log"
  # the end marker: a new line after all of them
  P -t $T/logs -m '{'$ENV',"type":"log","line":42,"lost":0,"level":1,"text":"end"}'
  until_api "/devices/dev1/logs" 'any(l["text"] == "end" for l in j["logs"])' 15 || fail "the end marker never arrived"
  GET "/devices/dev1/telemetry?limit=1000" > tel.json && GET "/devices/dev1/logs" > logs.json &&
    GET "/devices/dev1/events" > events.json && GET "/devices/dev1/crashes" > crashes.json || fail "GET"
  python3 - > chk.out <<'PY' || fail "$(cat chk.out)"
import json, sys
tel = json.load(open("tel.json"))["points"]; logs = json.load(open("logs.json"))["logs"]
ev = json.load(open("events.json"))["events"]; cr = json.load(open("crashes.json"))["crashes"]
bad = []
if sorted((p["name"], p["value"], p["seq"]) for p in tel) != [("steps", 9, 8123456), ("temp", 215, 8123456)]: bad.append("telemetry %s" % tel)
if [(l["seq"], l["text"]) for l in logs] != [(41, "led on"), (42, "end")]: bad.append("logs %s" % logs)
if sorted((e["kind"], e["seq"]) for e in ev) != [("exited", 8123456), ("started", 8123456)]: bad.append("events %s" % ev)
if len(cr) != 1: bad.append("crashes %s" % cr)
else:
    c = cr[0]
    want = {"file": "blink.c", "line": 17, "function": "loop", "version": "2.0.0", "seq": 12, "boot_id": "5ec0b007", "pc": 288}
    for k, v in want.items():
        if c[k] != v: bad.append("crash %s: %s, want %s" % (k, c[k], v))
    # the crash's own time: the stamp's time minus the uptime since it
    if c["time"] != 1796281262345 - (8123456 - 8000000): bad.append("crash time %s" % c["time"])
if bad: print("\n".join(bad)); sys.exit(1)
print("sent twice, stored once: 2 points, 1 line (+ the marker), 2 events in one ms, 1 crash (read twice)")
PY
  note "$(cat chk.out)"
  for r in "refused json (syntax)" "refused too_big" "refused schema (v)" "refused wrong_type (type)"; do
    grep -qF "$r" fd.err || fail "no '$r' in fleetd's log"
  done
  note "malformed, too big, another schema, wrong type: refused with their reason; the ingest went on"
  # an unknown topic never reaches fleetd: it subscribes to the protocol's topics only
  grep -q "nonsense" fd.err && fail "fleetd saw the unknown topic"
  waitfor fd.err "job j1 on dev1: QUEUED seq 1" 5 || fail "the job update did not reach the callback"
  note "the job update went to the callback; nothing stored for it"
  ;;
share)
  start_fleetd2
  id1=$(sed -n 's/.* as \(fleetd-[^ ]*\) .*/\1/p' fd.err | head -1)
  id2=$(sed -n 's/.* as \(fleetd-[^ ]*\) .*/\1/p' fd2.err | head -1)
  [ -n "$id1" ] && [ -n "$id2" ] && [ "$id1" != "$id2" ] || fail "client ids '$id1' '$id2'"
  note "two fleetd ($id1, $id2), one database, one shared subscription group"
  i=0
  : > lines.txt
  while [ $i -lt 60 ]; do
    printf '{"v":1,"type":"log","time":"2026-12-03T07:01:02.345Z","boot_id":"5ec0b007","uptime_ms":%d,"line":%d,"lost":0,"level":1,"text":"line %d"}\n' \
      $((1000 + i)) $i $i >> lines.txt
    i=$((i + 1))
  done
  # twice: each copy may go to either fleetd
  # shellcheck disable=SC2086
  mosquitto_pub -i dev1-pub -h localhost -p $BROKER_PORT $tls_dev -V mqttv5 -q 1 -t $T/logs -l < lines.txt ||
    fail "mosquitto_pub"
  # shellcheck disable=SC2086
  mosquitto_pub -i dev1-pub -h localhost -p $BROKER_PORT $tls_dev -V mqttv5 -q 1 -t $T/logs -l < lines.txt ||
    fail "mosquitto_pub"
  waitfor rec.out "^$T/logs " 20 120 || fail "the recorder did not get all 120"
  n1=$(grep -c "Sending PUBLISH to $id1 .*$T/logs" broker.log)
  n2=$(grep -c "Sending PUBLISH to $id2 .*$T/logs" broker.log)
  [ $((n1 + n2)) -eq 120 ] || fail "the broker sent $n1 + $n2 of 120 to the group"
  [ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] || fail "not split: $n1 and $n2"
  note "the broker split the 120 messages: $n1 to one fleetd, $n2 to the other"
  until_api "/devices/dev1/logs?limit=1000" 'len(j["logs"]) >= 60' 20 || fail "not all stored: $(GET /devices/dev1/logs | head -c 300)"
  GET "/devices/dev1/logs?limit=1000" > logs.json || fail "GET logs"
  python3 - > chk.out <<'PY' || fail "$(cat chk.out)"
import json, sys
logs = json.load(open("logs.json"))["logs"]
seqs = sorted(l["seq"] for l in logs)
if seqs != list(range(60)): print("stored:", seqs); sys.exit(1)
if any(l["text"] != "line %d" % l["seq"] for l in logs): print("texts differ"); sys.exit(1)
print("60 lines, each once, sent twice through two fleetd")
PY
  note "$(cat chk.out)"
  kill "$fpid2"; wait "$fpid2"; st2=$?; fpid2=
  [ $st2 -eq 0 ] || fail "the second fleetd exited $st2"
  ;;
stop)
  id1=$(sed -n 's/.* as \(fleetd-[^ ]*\) .*/\1/p' fd.err | head -1)
  i=0
  : > lines.txt
  while [ $i -lt 5 ]; do
    printf '{"v":1,"type":"log","time":"2026-12-03T07:01:02.345Z","boot_id":"5ec0b007","uptime_ms":%d,"line":%d,"lost":0,"level":1,"text":"held %d"}\n' \
      $((1000 + i)) $i $i >> lines.txt
    i=$((i + 1))
  done
  # shellcheck disable=SC2086
  mosquitto_pub -i dev1-pub -h localhost -p $BROKER_PORT $tls_dev -V mqttv5 -q 1 -t $T/logs -l < lines.txt ||
    fail "mosquitto_pub"
  waitfor broker.log "Received PUBACK from $id1 " 10 5 || fail "fleetd did not acknowledge the 5 lines"
  GET "/devices/dev1/logs" > logs.json 2>/dev/null
  python3 -c 'import json,sys; sys.exit(0 if not json.load(open("logs.json")).get("logs") else 1)' 2>/dev/null ||
    grep -q '"not_found"' logs.json || fail "lines stored before the batch was due: $(cat logs.json)"
  note "fleetd acknowledged 5 lines, none in the store yet"
  kill "$fpid"; wait "$fpid"; fst=$?; fpid=
  [ $fst -eq 0 ] || fail "fleetd exited $fst"
  # shellcheck disable=SC2086
  "$ck" fleetd --data data --listen 127.0.0.1:0 $dbargs > fd3.out 2>fd3.err & fpid=$!
  waitfor fd3.out "^listening on" 10 || fail "fleetd did not start again"
  api=$(sed -n 's|^listening on \(https\{0,1\}://[^ ]*\).*|\1|p' fd3.out)
  GET "/devices/dev1/logs" > logs.json || fail "GET logs"
  python3 - > chk.out <<'PY' || fail "$(cat chk.out)"
import json, sys
logs = json.load(open("logs.json"))["logs"]
if sorted((l["seq"], l["text"]) for l in logs) != [(i, "held %d" % i) for i in range(5)]: print("stored:", logs); sys.exit(1)
print("SIGTERM wrote the 5 held lines before fleetd exited")
PY
  note "$(cat chk.out)"
  ;;
*) fail "unknown case" ;;
esac
kill "$fpid"; wait "$fpid"; fst=$?; fpid=
[ $fst -eq 0 ] || fail "fleetd exited $fst"
echo "PASS ($case_)"
