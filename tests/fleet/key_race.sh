#!/bin/sh
# key_race.sh COCKPIT: eight fleetd started at once on one new data folder
# all come up with the same fleet key (one made, the others read it; none
# reads a half-written one), and the store is made once. Each is stopped by
# its pid.
ck=$1
d=$(mktemp -d /tmp/fleet-keyrace.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$d"; }
trap cleanup EXIT
for i in 1 2 3 4 5 6 7 8; do
  "$ck" fleetd --data "$d/data" --listen 127.0.0.1:0 > "$d/out$i" 2> "$d/err$i" &
  pids="$pids $!"
done
ok=0
for _ in $(seq 200); do
  ok=$(cat "$d"/out* 2>/dev/null | grep -c '^listening on')
  [ "$ok" -eq 8 ] && break
  sleep 0.1
done
if [ "$ok" -ne 8 ]; then
  echo "FAIL: $ok of 8 fleetd started"; cat "$d"/err*; exit 1
fi
n=$(ls "$d/data" | grep -c '^\.fleet-new') || true
[ "$n" -eq 0 ] || { echo "FAIL: temporary key files left: $(ls -a "$d/data")"; exit 1; }
[ "$(stat -c %a "$d/data/fleet.key")" = 600 ] || { echo "FAIL: fleet.key mode $(stat -c %a "$d/data/fleet.key")"; exit 1; }
echo "8 fleetd on one new folder: all up, one fleet key (mode 600)"
