# broker.sh -- a real mosquitto for one test: sourced (`. tests/common/broker.sh`)
# by POSIX sh test scripts. It starts the Debian mosquitto on a free loopback
# port with a configuration in the test's temporary folder, waits until it
# listens, and stops it by its pid when the script exits, pass or fail.
#
#   broker_port                  print a free TCP port on 127.0.0.1
#   broker_start DIR CONF PORT   run `mosquitto -c CONF` (its output in
#                                DIR/broker.log) and wait until PORT accepts
#                                connections (BROKER_WAIT seconds, default
#                                10); BROKER_VERBOSE=1: every log type (-v:
#                                connects, subscriptions, messages) in the
#                                log; sets BROKER_PID, BROKER_PORT,
#                                BROKER_LOG. Returns 1, with the log's tail on
#                                stderr, if mosquitto exits or never listens.
#   broker_start_ca COCKPIT CA DIR [broker-config options]
#                                the fleet broker of the CA in folder CA:
#                                a free port, DIR/mosquitto.conf and .acl
#                                from `cockpit ca broker-config` (with --user
#                                of the current account when run as root, so
#                                mosquitto can read the files), then
#                                broker_start; another port if the first is
#                                taken meanwhile (3 tries). Also sets
#                                BROKER_CONF.
#   broker_stop                  stop the current broker by its pid (TERM,
#                                KILL after 5 s) and reap it; the same CONF
#                                and PORT may be started again (a broker
#                                restart)
#   broker_cleanup               stop every broker this script started; runs
#                                at exit by itself
#
# Sourcing installs the EXIT trap (and turns HUP, INT, TERM into an exit so
# it runs): a script keeps its own cleanup in BROKER_ON_EXIT (a command
# string evaluated after the brokers are stopped) instead of its own
# `trap ... EXIT`. The shell runs a trap only once its foreground command
# has finished, so a script that waits long does it as `cmd & wait $!`.
# Should the script die without its traps (SIGKILL, a runner's timeout), a
# guard process started with each broker stops it within a second. Brokers
# are only ever stopped by pid, never by name.
# Needs python3 (the free port and the readiness probe).

BROKER_PID= BROKER_PORT= BROKER_LOG= BROKER_CONF=
BROKER_PIDS= BROKER_GUARDS=
BROKER_ON_EXIT=${BROKER_ON_EXIT:-}
BROKER_MOSQUITTO=${BROKER_MOSQUITTO:-/usr/sbin/mosquitto}

broker_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# broker__up PORT SECONDS PID: PORT accepts TCP while PID lives.
broker__up() {
  python3 - "$1" "$2" "$3" <<'EOF'
import os, socket, sys, time
port, secs, pid = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
end = time.time() + secs
while time.time() < end:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(2)                      # it exited
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

broker_start() {
  _bd=$1 _bc=$2 _bp=$3
  BROKER_LOG=$_bd/broker.log
  # shellcheck disable=SC2086
  "$BROKER_MOSQUITTO" -c "$_bc" ${BROKER_VERBOSE:+-v} >>"$BROKER_LOG" 2>&1 &
  BROKER_PID=$!
  BROKER_PORT=$_bp
  BROKER_PIDS="$BROKER_PIDS $BROKER_PID"
  # A guard stops the broker (by its pid) should this script die without
  # running its traps (SIGKILL, a test runner's timeout).
  _bself=$$ _bpid=$BROKER_PID
  ( while kill -0 "$_bself" 2>/dev/null && kill -0 "$_bpid" 2>/dev/null; do sleep 1; done
    kill "$_bpid" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
  BROKER_GUARDS="$BROKER_GUARDS $!"
  broker__up "$_bp" "${BROKER_WAIT:-10}" "$BROKER_PID"
  _bs=$?
  if [ $_bs -ne 0 ]; then
    [ $_bs -eq 2 ] && echo "broker.sh: mosquitto exited at start" >&2 \
                   || echo "broker.sh: mosquitto does not listen on $_bp" >&2
    tail -n 20 "$BROKER_LOG" >&2
    broker_stop
    return 1
  fi
  return 0
}

broker_start_ca() {
  _bck=$1 _bca=$2 _bdir=$3
  shift 3
  _buser=
  [ "$(id -u)" -eq 0 ] && _buser="--user $(id -un)"
  BROKER_CONF=$_bdir/mosquitto.conf
  for _btry in 1 2 3; do
    _bport=$(broker_port) || return 1
    # shellcheck disable=SC2086
    "$_bck" ca broker-config "$_bca" --port "$_bport" --out "$BROKER_CONF" $_buser "$@" \
      >/dev/null || return 1
    : >"$_bdir/broker.log"
    broker_start "$_bdir" "$BROKER_CONF" "$_bport" 2>"$_bdir/broker.start" && return 0
    grep -q "Address already in use" "$_bdir/broker.log" || { cat "$_bdir/broker.start" >&2; return 1; }
  done
  cat "$_bdir/broker.start" >&2
  return 1
}

# broker__kill PID: TERM, then KILL after 5 s; reap it.
broker__kill() {
  kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
  kill "$1" 2>/dev/null
  _bi=0
  while kill -0 "$1" 2>/dev/null; do
    _bi=$((_bi + 1))
    [ $_bi -eq 100 ] && kill -9 "$1" 2>/dev/null
    sleep 0.05
  done
  wait "$1" 2>/dev/null
  return 0
}

broker_stop() {
  [ -n "$BROKER_PID" ] || return 0
  broker__kill "$BROKER_PID"
  _brest=
  for _b in $BROKER_PIDS; do [ "$_b" = "$BROKER_PID" ] || _brest="$_brest $_b"; done
  BROKER_PIDS=$_brest
  BROKER_PID=
}

broker_cleanup() {
  for _b in $BROKER_PIDS; do broker__kill "$_b"; done
  for _b in $BROKER_GUARDS; do kill "$_b" 2>/dev/null; wait "$_b" 2>/dev/null; done
  BROKER_PIDS= BROKER_PID= BROKER_GUARDS=
}

broker__exit() {
  _bst=$?
  broker_cleanup
  [ -n "$BROKER_ON_EXIT" ] && eval "$BROKER_ON_EXIT"
  exit $_bst
}
trap broker__exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
