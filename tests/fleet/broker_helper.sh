#!/bin/sh
# broker_helper.sh ROOT -- tests/common/broker.sh itself: a broker started
# by a script is stopped by its pid when that script fails, exits, or is
# killed; a stop and a start on the same port (a restart); a configuration
# mosquitto refuses is reported, not waited on.
set -u
root=$1
for t in /usr/sbin/mosquitto mosquitto_pub python3; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed (scripts/install-deps.sh)"; exit 77; }
done
d=$(mktemp -d /tmp/cockpit-broker-helper.XXXXXX)
export d
trap 'for p in $(cat "$d"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null; done; rm -rf "$d"' EXIT
fail() {
  echo "FAIL: $*"
  for f in "$d"/*.out "$d"/*.err "$d"/broker.log; do [ -s "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }; done
  exit 1
}
# a plain-TCP broker is enough to test the helper
child() {   # child NAME: a script that starts a broker, records its pid, then does $2
  cat > "$d/$1.sh" <<EOS
. "$root/tests/common/broker.sh"
p=\$(broker_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' \$p > "$d/$1.conf"
[ "\$(id -u)" -eq 0 ] && echo "user \$(id -un)" >> "$d/$1.conf"
broker_start "$d" "$d/$1.conf" \$p || exit 9
echo \$BROKER_PID > "$d/$1.pid"
echo \$p > "$d/$1.port"
$2
EOS
}
gone() { i=0; while kill -0 "$1" 2>/dev/null; do i=$((i + 1)); [ $i -gt 60 ] && return 1; sleep 0.05; done; }

child fails 'exit 3'
sh "$d/fails.sh" > "$d/fails.out" 2>&1; st=$?
[ $st -eq 3 ] || fail "the script's exit status $st, want 3"
pid=$(cat "$d/fails.pid")
gone "$pid" || fail "mosquitto $pid outlived a failing script"
echo "  a failing script: exit status kept, its broker ($pid) stopped"

child killed 'sleep 60 & echo $! > "$d/killed.sleep.pid"; touch "$d/killed.ready"; wait $!'
sh "$d/killed.sh" > "$d/killed.out" 2>&1 & spid=$!
i=0; while [ ! -e "$d/killed.ready" ]; do i=$((i + 1)); [ $i -gt 200 ] && fail "no ready"; sleep 0.05; done
pid=$(cat "$d/killed.pid")
kill -0 "$pid" || fail "the broker is not running"
kill "$spid"; wait "$spid"; st=$?
gone "$pid" || fail "mosquitto $pid outlived a killed script"
[ $st -ne 0 ] || fail "a killed script exited 0"
echo "  a killed script (status $st): its broker ($pid) stopped"

child killed9 'sleep 60 & echo $! > "$d/killed9.sleep.pid"; touch "$d/killed9.ready"; wait $!'
sh "$d/killed9.sh" > "$d/killed9.out" 2>&1 & spid=$!
i=0; while [ ! -e "$d/killed9.ready" ]; do i=$((i + 1)); [ $i -gt 200 ] && fail "no ready"; sleep 0.05; done
pid=$(cat "$d/killed9.pid")
kill -9 "$spid"; wait "$spid" 2>/dev/null
gone "$pid" || fail "mosquitto $pid outlived a script killed with SIGKILL"
echo "  a script killed with SIGKILL (no traps): the guard stopped its broker ($pid)"

child restart 'p1=$BROKER_PID; broker_stop; kill -0 $p1 2>/dev/null && exit 4
BROKER_VERBOSE=1 broker_start "$d" "$d/restart.conf" $p || exit 5
[ "$BROKER_PID" != "$p1" ] || exit 6
mosquitto_pub -h 127.0.0.1 -p $p -t t -m after-restart || exit 7
i=0; until grep -q "Received PUBLISH from" "$BROKER_LOG"; do i=$((i + 1)); [ $i -gt 100 ] && exit 8; sleep 0.05; done
echo $BROKER_PID > "$d/restart.pid"'
sh "$d/restart.sh" > "$d/restart.out" 2>&1; st=$?
[ $st -eq 0 ] || fail "restart on the same port: step $st"
gone "$(cat "$d/restart.pid")" || fail "the restarted broker outlived the script"
echo "  broker_stop + broker_start on the same port (BROKER_VERBOSE=1: -v): a new broker, stopped at exit"

cat > "$d/bad.sh" <<EOS
. "$root/tests/common/broker.sh"
echo "no_such_option 1" > "$d/bad.conf"
BROKER_WAIT=30 broker_start "$d" "$d/bad.conf" \$(broker_port) 2> "$d/bad.err" && exit 1
exit 0
EOS
t0=$(date +%s)
sh "$d/bad.sh" || fail "a refused configuration passed for a broker"
[ $(( $(date +%s) - t0 )) -lt 10 ] || fail "waited for a broker that had exited"
grep -q "mosquitto exited at start" "$d/bad.err" || fail "no reason: $(cat "$d/bad.err")"
echo "  a configuration mosquitto refuses: reported at once with the log"
echo "fleet.broker.helper: ok"
