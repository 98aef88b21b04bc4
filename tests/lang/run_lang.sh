#!/bin/bash
# run_lang.sh COCKPIT SRC EXPECTED WORKDIR CC
#
# Runs a guest program twice, on the VM (cockpit run) and compiled natively
# with CC -fwrapv against guest/native, and requires both to print exactly
# EXPECTED on stdout and to exit with the same status, the one the source
# names in a `// exit: N` line (default 0). A `// run: OPTIONS` line gives
# cockpit run options (--max-ms, --button, --seed, --uart-in FILE relative
# to the source), passed to the native program as COCKPIT_* variables.
set -u
cockpit=$1 src=$2 expected=$3 work=$4 cc=$5
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
srcdir=$(cd "$(dirname "$src")" && pwd)
name=$(basename "$src" .c)
mkdir -p "$work"

want=$(sed -n 's|^// exit: *\([0-9]*\).*|\1|p' "$src" | head -n 1)
want=${want:-0}
read -r -a opts <<<"$(sed -n 's|^// run: *||p' "$src" | head -n 1)"
vmopts=()
envs=()
i=0
while [ $i -lt ${#opts[@]} ]; do
  o=${opts[$i]} v=${opts[$((i + 1))]:-}
  case $o in
    --max-ms)    envs+=("COCKPIT_MAX_MS=$v") ;;
    --button)    envs+=("COCKPIT_BUTTON=$v") ;;
    --seed)      envs+=("COCKPIT_SEED=$v") ;;
    --device-id) envs+=("COCKPIT_DEVICE_ID=$v") ;;
    --uart-in)   v="$srcdir/$v"; envs+=("COCKPIT_UART_IN=$v") ;;
    *) echo "run_lang.sh: unknown option $o in $src" >&2; exit 2 ;;
  esac
  vmopts+=("$o" "$v")
  i=$((i + 2))
done

fail=0
"$cockpit" run "${vmopts[@]}" "$src" >"$work/$name.vm.out" 2>"$work/$name.vm.err" </dev/null
vs=$?
if ! "$cc" -std=gnu11 -fwrapv -O1 -w -I "$root/guest/include" -o "$work/$name.native" \
     "$src" "$root/guest/native/cockpit_native.c" 2>"$work/$name.cc.err"; then
  echo "native compile failed:"; cat "$work/$name.cc.err"; exit 1
fi
env "${envs[@]}" "$work/$name.native" >"$work/$name.native.out" 2>"$work/$name.native.err" </dev/null
ns=$?

if ! cmp -s "$work/$name.vm.out" "$expected"; then
  echo "VM output differs from $expected:"; diff "$expected" "$work/$name.vm.out" | head -40
  echo "VM stderr:"; head -20 "$work/$name.vm.err"
  fail=1
fi
if ! cmp -s "$work/$name.native.out" "$expected"; then
  echo "native output differs from $expected:"; diff "$expected" "$work/$name.native.out" | head -40
  fail=1
fi
if [ "$vs" != "$want" ] || [ "$ns" != "$want" ]; then
  echo "exit status: VM $vs, native $ns, expected $want"
  echo "VM stderr:"; head -20 "$work/$name.vm.err"
  fail=1
fi
[ $fail = 0 ] && echo "ok: $name ($(wc -c <"$expected") bytes of output, status $want)"
exit $fail
