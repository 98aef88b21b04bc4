#!/bin/sh
# mqtt.sh CASE PROBE COCKPIT ROOT -- the copilot's MQTT client (copl_mqtt_*,
# driven by copl_probe) against the real mosquitto of a fleet made by
# `cockpit ca` (init, issue, broker-config: TLS only, require_certificate,
# identity as user name, the fleet's ACL), which tests/common/broker.sh
# starts on a free loopback port in a temporary folder and stops by its
# pid, pass or fail.
#   roundtrip  mutual TLS; QoS 1 both ways, with mosquitto_pub/_sub
#              (another client implementation) on the other side
#   will       kill -9: the retained will arrives after its delay, not
#              before; a reconnect within the delay does not flap; a clean
#              stop sends none
#   expiry     the MQTT 5 message-expiry property, our client to
#              mosquitto_sub and mosquitto_pub to our client
#   reconnect  broker stopped and restarted: backoff counted, subscriptions
#              renewed, messages both ways after the reconnect
#   refuse     a broker from another CA, a certificate for another name, a
#              client certificate from another CA, mqtt://, missing files
#   fallback   a broker that refuses MQTT 5 (fake_broker.py): 3.1.1 at once
#   acl        refusals said, not waited on: mosquitto's PUBACK "not
#              authorized" for another device's topic and the device's own
#              cmd (its subscriptions granted: mosquitto filters at
#              delivery); a broker refusing every SUBSCRIBE and PUBLISH
#              (fake_broker.py --refuse-acl): SUBACK 0x87 (0x80 in 3.1.1)
set -u
case_=$1 probe=$2 ck=$3 root=$4
d=$(mktemp -d /tmp/copl-mqtt.XXXXXX)
ppid= spid= fpid=
BROKER_VERBOSE=1   # connects and subscriptions in the log: `subscribed` waits on them
BROKER_ON_EXIT='for p in $ppid $spid $fpid; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$d"'
. "$root/tests/common/broker.sh"
cd "$d" || exit 1
t_start=$(date +%s.%N)
fail() {
  echo "FAIL ($case_): $*"
  for f in p.out p2.out sub.out st.out e.out t.out; do [ -s $f ] && { echo "--- $f"; tail -n 30 $f; }; done
  echo "--- broker log"; tail -n 30 "$mlog" 2>/dev/null
  exit 1
}
note() { printf '%6.2f s  %s\n' "$(echo "$(date +%s.%N) - $t_start" | bc)" "$*"; }

# the fleet (`cockpit ca`): the broker's certificate (localhost, 127.0.0.1),
# the backend's (fleetd), one for another host name, the device dev1; and
# another CA with a broker and a dev1 of its own
ca() { "$ck" ca "$@" >/dev/null || fail "cockpit ca $*"; }
ca init pki
for s in localhost fleetd elsewhere.example; do ca issue pki --server $s; done
ca issue pki --device dev1
ca init other
ca issue other --server localhost
ca issue other --device dev1
DEV="--ca pki/ca.crt --cert pki/devices/dev1.crt --key pki/devices/dev1.key"
BACK="--cafile pki/ca.crt --cert pki/servers/fleetd.crt --key pki/servers/fleetd.key"
mkdir b1
broker_start_ca "$ck" pki "$d/b1" || fail "the broker did not start"
port=$BROKER_PORT mlog=$BROKER_LOG
start_broker() { broker_start "$d/b1" "$BROKER_CONF" "$port" || fail "mosquitto does not listen on $port"; }
stop_broker() { broker_stop; }

# A function run with & is a subshell: PB and MSB exec the program so that
# $! is its pid (kill -9 must reach the client itself, not the subshell).
# shellcheck disable=SC2086
P() { "$probe" --url "mqtts://127.0.0.1:$port" $DEV "$@"; }
# shellcheck disable=SC2086
PB() { exec "$probe" --url "mqtts://127.0.0.1:$port" $DEV "$@"; }
# shellcheck disable=SC2086
MSB() { id=$1; shift; exec mosquitto_sub -i "$id" -h 127.0.0.1 -p $port $BACK -V mqttv5 "$@"; }
# shellcheck disable=SC2086
MS() { id=$1; shift; mosquitto_sub -i "$id" -h 127.0.0.1 -p $port $BACK -V mqttv5 "$@"; }
# shellcheck disable=SC2086
MP() { mosquitto_pub -i backend -h 127.0.0.1 -p $port $BACK -V mqttv5 "$@"; }
# waitfor FILE PATTERN [SECONDS] [COUNT]: COUNT lines of FILE match PATTERN
waitfor() {
  i=0
  while n=$(grep -c -- "$2" "$1" 2>/dev/null); [ "${n:-0}" -lt "${4:-1}" ]; do
    i=$((i + 1)); [ $i -gt $((${3:-10} * 20)) ] && return 1
    sleep 0.05
  done
}
# subscribed CLIENT TOPIC: the broker has the subscription (its log)
subscribed() { waitfor "$mlog" "$1 [0-9] $2" 10 || fail "$1 never subscribed to $2"; }

T=fleet/devices/dev1
case $case_ in
roundtrip)
  PB --id dev1 --sub $T/cmd --count 2 --seconds 15 > p.out &
  ppid=$!
  waitfor p.out "state connected proto=5" || fail "no connection"
  subscribed dev1 $T/cmd
  MP -q 1 -t $T/cmd -m c1 && MP -q 1 -t $T/cmd -m c2 || fail "mosquitto_pub"
  wait $ppid; st=$?; ppid=
  [ $st -eq 0 ] || fail "probe exit $st"
  grep -q "^msg $T/cmd qos=1 retain=0 expiry=- c1$" p.out || fail "c1 not received at QoS 1"
  [ "$(grep '^msg' p.out | sed 's/.* //' | tr '\n' ' ')" = "c1 c2 " ] || fail "not c1 c2 in order"
  note "mosquitto_pub -> copl: 2 messages at QoS 1"
  MSB backend -t $T/telemetry -q 1 -C 2 -W 10 -F '%q %t %p' > sub.out &
  spid=$!
  subscribed backend $T/telemetry
  P --id dev1 --pub $T/telemetry t1 --pub $T/telemetry t2 --seconds 1 > p2.out || fail "probe publish"
  wait $spid; spid=
  [ "$(cat sub.out | tr '\n' ' ')" = "1 $T/telemetry t1 1 $T/telemetry t2 " ] || fail "mosquitto_sub got: $(cat sub.out)"
  [ "$(grep -c '^acked' p2.out)" -eq 2 ] || fail "2 PUBACKs"
  grep -q "dev1.*u'dev1'\|dev1 (p5, c1, k30, u'dev1')" "$mlog" || fail "the broker did not see the identity dev1"
  note "copl -> mosquitto_sub: 2 messages at QoS 1, both acknowledged; mutual TLS, user dev1"
  ;;
will)
  MSB backend -t $T/status -v -F '%U %r %p' -W 40 > st.out &
  spid=$!
  subscribed backend $T/status
  PB --id dev1 --online $T/status online --will $T/status offline --will-delay 2 --seconds 60 > p.out &
  ppid=$!
  waitfor st.out " online" || fail "online not seen"
  t_kill=$(date +%s.%N)
  kill -9 $ppid; wait $ppid 2>/dev/null; ppid=
  waitfor st.out " offline" 10 || fail "no will within 10 s of the kill"
  delay=$(echo "$(grep ' offline' st.out | head -n 1 | cut -d' ' -f1) - $t_kill" | bc)
  note "will after ${delay} s (delay 2 s)"
  [ "$(echo "$delay >= 1.5 && $delay < 6" | bc)" -eq 1 ] || fail "will after $delay s, want about 2"
  MS reader -t $T/status -C 1 -W 3 -F '%r %p' > r.out
  [ "$(cat r.out)" = "1 offline" ] || fail "the will is not retained: $(cat r.out)"
  # a reconnect within the delay does not flap
  PB --id dev1 --online $T/status online --will $T/status offline --will-delay 2 --seconds 60 > p.out &
  ppid=$!
  waitfor st.out " online" 10 2 || fail "second online not seen"
  kill -9 $ppid; wait $ppid 2>/dev/null
  PB --id dev1 --online $T/status online --will $T/status offline --will-delay 2 --seconds 60 > p2.out &
  ppid=$!
  waitfor st.out " online" 10 3 || fail "third online not seen"
  sleep 3.5
  [ "$(grep -c ' offline' st.out)" -eq 1 ] || fail "offline flapped on a quick reconnect"
  note "a reconnect within the will delay: no offline"
  kill $ppid; wait $ppid; ppid=
  sleep 3
  [ "$(grep -c ' offline' st.out)" -eq 1 ] || fail "a clean stop sent the will"
  note "a clean stop: no will"
  ;;
expiry)
  # the device publishes its own events, the backend its commands (the ACL)
  MSB backend -t $T/events -C 1 -W 10 -F '%E %p' > e.out &
  spid=$!
  subscribed backend $T/events
  PB --id sub1 --sub $T/cmd --count 2 --seconds 15 > p2.out &
  ppid=$!
  subscribed sub1 $T/cmd
  P --id dev1 --pub $T/events hello --expiry 60 --seconds 1 > p.out || fail "probe publish"
  wait $spid; spid=
  grep -Eq '^(60|59) hello$' e.out || fail "mosquitto_sub saw no expiry 60: $(cat e.out)"
  MP -q 1 -t $T/cmd -m early -D publish message-expiry-interval 60 || fail "mosquitto_pub"
  MP -q 1 -t $T/cmd -m late -D publish message-expiry-interval 30 || fail "mosquitto_pub"
  wait $ppid; ppid=
  grep -Eq "^msg $T/cmd qos=1 retain=0 expiry=(60|59) early$" p2.out || fail "copl saw no expiry 60"
  grep -Eq "^msg $T/cmd qos=1 retain=0 expiry=(30|29) late$" p2.out || fail "copl saw no expiry 30"
  note "message expiry: copl -> mosquitto_sub 60, mosquitto_pub -> copl 60 and 30"
  ;;
reconnect)
  PB --id dev1 --sub $T/cmd --every-ms 200 $T/telemetry --stable 500 --seconds 60 > p.out &
  ppid=$!
  waitfor p.out "state connected" || fail "no connection"
  waitfor p.out "pub $T/telemetry seq 3" || fail "no telemetry"
  stop_broker
  note "broker stopped"
  waitfor p.out "state backoff" 10 3 || fail "fewer than 3 backoffs while the broker is away"
  start_broker
  note "broker restarted"
  waitfor p.out "state connected" 15 2 || fail "no reconnection"
  MSB backend -t $T/telemetry -q 1 -C 3 -W 10 -F '%p' > t.out &
  spid=$!
  subscribed backend $T/telemetry
  subscribed dev1 $T/cmd
  MP -q 1 -t $T/cmd -m after || fail "mosquitto_pub"
  waitfor p.out "^msg $T/cmd qos=1 retain=0 expiry=- after$" 10 || fail "no message after the reconnect"
  wait $spid; spid=
  [ "$(grep -c '^seq [0-9]*$' t.out)" -eq 3 ] || fail "no telemetry after the reconnect: $(cat t.out)"
  kill $ppid; wait $ppid; ppid=
  s=$(grep '^stats' p.out)
  note "$s"
  for kv in connects=2 reconnects=1 losses=1; do
    echo "$s" | grep -q " $kv " || fail "want $kv: $s"
  done
  b=$(echo "$s" | sed 's/.* backoffs=\([0-9]*\).*/\1/')
  a=$(echo "$s" | sed 's/.*attempts=\([0-9]*\).*/\1/')
  [ "$b" -ge 3 ] && [ "$a" -eq $((b + 1)) ] || fail "backoffs $b, attempts $a"
  # the delays: the core's cop_backoff_ms, full jitter from 500 ms under a doubling cap
  grep -o 'backoff_ms=[0-9]*' p.out | cut -d= -f2 > delays
  python3 - delays <<'EOF' || fail "backoff delays: $(tr '\n' ' ' < delays)"
import sys
d = [int(x) for x in open(sys.argv[1])]
want = [min(60000, 1000 << i) for i in range(len(d))]   # the core's cop_backoff_ms
ok = all(500 <= v <= w for v, w in zip(d, want))
sys.exit(0 if ok else 1)
EOF
  note "backoff delays $(tr '\n' ' ' < delays)ms"
  ;;
refuse)
  # a second broker of the fleet whose certificate names another host
  mkdir b2
  broker_start_ca "$ck" pki "$d/b2" --server elsewhere.example || fail "the second broker did not start"
  port2=$BROKER_PORT
  P --id dev1 --seconds 1.5 --ca other/ca.crt > p.out; st=$?
  [ $st -eq 3 ] && grep -q "why=server certificate not trusted" p.out || fail "another CA's broker accepted ($st)"
  "$probe" --url "mqtts://127.0.0.1:$port2" $DEV --id dev1 --seconds 1.5 > p.out; st=$?
  [ $st -eq 3 ] && grep -q "why=server certificate not trusted" p.out || fail "a certificate for another host accepted ($st)"
  P --id dev1 --seconds 1.5 --cert other/devices/dev1.crt --key other/devices/dev1.key > p.out; st=$?
  [ $st -eq 3 ] || fail "a client certificate of another CA got in"
  grep -q "why=" p.out || fail "no reason given"
  note "refused: $(grep why= p.out | head -n 1 | sed 's/.*why=//')"
  "$probe" --url "mqtt://127.0.0.1:$port" $DEV --id dev1 2> err; st=$?
  [ $st -eq 1 ] && grep -q "TLS only" err || fail "mqtt:// not refused: $(cat err)"
  P --id dev1 --key nonexistent.key 2> err; st=$?
  [ $st -eq 1 ] && grep -q "key 'nonexistent.key'" err || fail "a missing key: $(cat err)"
  P --id "" 2> err; st=$?
  [ $st -eq 1 ] && grep -q "client id" err || fail "an empty id: $(cat err)"
  note "mqtt://, a missing key, an empty id: refused with a reason"
  ;;
fallback)
  python3 "$root/tests/copilot/fake_broker.py" --cert pki/servers/localhost.crt \
    --key pki/servers/localhost.key --port-file fport \
    --log fake.log &
  fpid=$!
  waitfor fport . 5 || fail "fake broker did not start"
  "$probe" --url "mqtts://127.0.0.1:$(cat fport)" $DEV --id dev1 \
    --will $T/status offline --will-delay 5 --sub $T/cmd --pub $T/events e1 --expiry 30 --seconds 1.5 > p.out
  st=$?
  [ $st -eq 0 ] || fail "probe exit $st"
  grep -q "state connected proto=4" p.out || fail "no 3.1.1 connection"
  grep -q "fallbacks=1 " p.out && grep -q "refusals=1 " p.out || fail "fallback not counted"
  grep -q "^acked" p.out || fail "publish not acknowledged under 3.1.1"
  grep -q "CONNECT level=5" fake.log && grep -q "CONNECT level=4 will=1" fake.log || fail "fake: $(cat fake.log)"
  grep -q "SUBSCRIBE $T/cmd" fake.log || fail "no subscription under 3.1.1"
  note "MQTT 5 refused, 3.1.1 taken at once: $(grep '^stats' p.out)"
  ;;
acl)
  P --id dev1 --pub $T/telemetry own --pub fleet/devices/dev2/telemetry other --pub $T/cmd forged \
    --sub fleet/devices/dev2/cmd --seconds 1.5 > p.out || fail "probe exit $?"
  grep -q "^refused publish fleet/devices/dev2/telemetry reason=0x87: Not authorized$" p.out ||
    fail "another's topic: no refusal said"
  grep -q "^refused publish $T/cmd reason=0x87: Not authorized$" p.out || fail "its own cmd: no refusal said"
  [ "$(grep -c '^refused' p.out)" -eq 2 ] || fail "not two refusals"
  grep -q " pub_refused=2 sub_refused=0 " p.out || fail "counts: $(grep '^stats' p.out)"
  [ "$(grep -c '^acked' p.out)" -eq 3 ] || fail "not three PUBACKs"
  note "mosquitto: 2 publishes refused (not authorized), said at the PUBACK; the subscription granted"
  for v in 5 4; do
    rm -f fport fake.log
    python3 "$root/tests/copilot/fake_broker.py" --cert pki/servers/localhost.crt \
      --key pki/servers/localhost.key --port-file fport --log fake.log --refuse-acl &
    fpid=$!
    waitfor fport . 5 || fail "fake broker did not start"
    vo=; [ $v = 4 ] && vo=--v311
    # shellcheck disable=SC2086
    "$probe" --url "mqtts://127.0.0.1:$(cat fport)" $DEV --id dev1 --sub $T/cmd --pub $T/events e1 \
      --seconds 1.5 $vo > p.out || fail "probe exit $?"
    kill $fpid; wait $fpid 2>/dev/null; fpid=
    grep -q "state connected proto=$v" p.out || fail "no connection at $v"
    want=0x87; [ $v = 4 ] && want=0x80
    grep -q "^refused subscribe $T/cmd reason=$want: " p.out || fail "MQTT $v: the SUBACK's refusal not said"
    if [ $v = 5 ]; then
      grep -q "^refused publish $T/events reason=0x87: Not authorized$" p.out || fail "the PUBACK's refusal not said"
      grep -q " pub_refused=1 sub_refused=1 " p.out || fail "counts: $(grep '^stats' p.out)"
    else
      grep -q " pub_refused=0 sub_refused=1 " p.out || fail "counts: $(grep '^stats' p.out)"
    fi
    note "MQTT $v, every subscription refused: $(grep '^refused subscribe' p.out)"
  done
  ;;
*) fail "unknown case" ;;
esac
echo "copilot.mqtt.$case_: ok"
