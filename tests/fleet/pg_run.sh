#!/usr/bin/env bash
# pg_run.sh CMD ARGS...: start a private PostgreSQL for one test, run CMD
# with every argument "@PGURL@" replaced by its postgresql:// URL, stop it.
#
# The server lives in a temporary folder (initdb), listens only on a Unix
# socket there (listen_addresses=''), runs as the `postgres` OS user when we
# are root (PostgreSQL refuses root), and is stopped by its own pid (from
# postmaster.pid) on every exit, pass or fail. Exit 77 (CTest's skip) when
# PostgreSQL's binaries are not installed.
set -u
PGBIN=${PGBIN:-}
if [ -z "$PGBIN" ]; then
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && PGBIN=$d; done
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/postgres" ]; then
  echo "pg_run: PostgreSQL binaries not found: skipped"; exit 77
fi
as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "pg_run: running as root and no postgres user: skipped"; exit 77; }
  as=(runuser -u postgres --)
fi
tmp=$(mktemp -d /tmp/fleet-pg.XXXXXX)
chmod 755 "$tmp"
[ ${#as[@]} -gt 0 ] && chown postgres "$tmp"
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
"${as[@]}" "$PGBIN/initdb" -D "$tmp/data" -A trust -U postgres --no-sync -E UTF8 >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log"; echo "pg_run: initdb failed"; exit 1; }
"${as[@]}" "$PGBIN/postgres" -D "$tmp/data" -k "$tmp" -c listen_addresses='' -c fsync=off \
  -c port=5432 >"$tmp/server.log" 2>&1 &
spawn=$!
for _ in $(seq 200); do
  [ -S "$tmp/.s.PGSQL.5432" ] && [ -f "$tmp/data/postmaster.pid" ] && break
  kill -0 "$spawn" 2>/dev/null || break
  sleep 0.05
done
[ -f "$tmp/data/postmaster.pid" ] && pid=$(head -1 "$tmp/data/postmaster.pid")
if [ -z "$pid" ] || [ ! -S "$tmp/.s.PGSQL.5432" ]; then
  cat "$tmp/server.log"; echo "pg_run: postgres did not start"; exit 1
fi
# wait until it accepts connections
for _ in $(seq 100); do
  "$PGBIN/pg_isready" -q -h "$tmp" -p 5432 && break
  sleep 0.05
done
url="postgresql:///postgres?host=$tmp&port=5432&user=postgres"
args=()
for a in "$@"; do args+=("${a//@PGURL@/"$url"}"); done
"${args[@]}"
rc=$?
exit $rc
