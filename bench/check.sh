#!/bin/bash
# check.sh NAME NATIVE DIR COCKPIT LUA: benchmark NAME prints one line that
# starts with NAME natively (the executable NATIVE, built by gcc -O2
# -fwrapv), and exactly the same on the VM (COCKPIT run DIR/NAME.c) and
# under LUA (DIR/NAME.lua). COCKPIT or LUA "-": that part is skipped, with
# a note.
set -u
name=$1 native=$2 dir=$3 cockpit=$4 lua=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if ! "$native" >"$tmp/native" 2>"$tmp/native.err" </dev/null; then
  echo "native run failed:"; cat "$tmp/native.err"; exit 1
fi
if [ "$(wc -l <"$tmp/native")" -ne 1 ] || ! grep -q "^$name " "$tmp/native"; then
  echo "native output is not one line starting with '$name ':"; cat "$tmp/native"; exit 1
fi
echo "native: $(cat "$tmp/native")"

same() {   # same WHAT CMD...: CMD exits 0 and prints what native printed
  local what=$1
  shift
  if ! "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; then
    echo "$what run failed (status $?):"; head -20 "$tmp/err"; fail=1; return
  fi
  if ! cmp -s "$tmp/native" "$tmp/out"; then
    echo "$what output differs from native:"; diff "$tmp/native" "$tmp/out"; fail=1; return
  fi
  echo "$what: same"
}

if [ "$cockpit" = - ]; then echo "VM: skipped (no compiler in this build)"
else same VM "$cockpit" run "$dir/$name.c"; fi
if [ "$lua" = - ]; then echo "Lua: skipped (lua5.4 not found)"
elif [ ! -f "$dir/$name.lua" ]; then echo "Lua: no $name.lua"; fail=1
else same Lua "$lua" "$dir/$name.lua"; fi
exit $fail
