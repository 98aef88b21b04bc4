#!/bin/bash
# run_sil.sh COCKPIT FIRMWARE BOARD SRC [EXPECTED|-] [OPTION...]
#
# Differential test, host vs target: runs SRC (.c, .s or an artifact) on
# the simulated board (cockpit run) and on the emulated BOARD (cockpit
# sil); both must print the same on stdout and exit with the same status,
# for C sources the one a `// exit: N` line names (default 0), and print
# EXPECTED when given. After a fault or a step limit their stderr lines
# must match too. Board options for both: a `// run: OPTIONS` line, and
# the OPTIONs given here. Exits 77 (skip) when QEMU or the board's firmware
# is missing.
set -u
cockpit=$1 fw=$2 board=$3 src=$4 expected=${5:-}
[ "$expected" = - ] && expected=
shift 5 2>/dev/null || shift $#
name=$(basename "$src")
name=${name%.*}
work=${SIL_WORK:-$(dirname "$fw")/sil-work}/$board
mkdir -p "$work"
srcdir=$(cd "$(dirname "$src")" && pwd)

[ -f "$fw/$board/board.txt" ] || { echo "SKIP: no firmware for $board in $fw"; exit 77; }
qemu=$(sed -n 's/^qemu=//p' "$fw/$board/board.txt")
command -v "$qemu" >/dev/null 2>&1 || { echo "SKIP: $qemu not installed"; exit 77; }

want=
case $src in
  *.c) want=$(sed -n 's|^// exit: *\([0-9]*\).*|\1|p' "$src" | head -n 1); want=${want:-0} ;;
esac
read -r -a raw <<<"$(sed -n 's|^// run: *||p' "$src" 2>/dev/null | head -n 1)"
opts=()
for ((i = 0; i < ${#raw[@]}; i += 2)); do
  o=${raw[$i]} v=${raw[$((i + 1))]:-}
  [ "$o" = --uart-in ] && v="$srcdir/$v"
  opts+=("$o" "$v")
done
opts+=("$@")

"$cockpit" run "${opts[@]}" "$src" >"$work/$name.run.out" 2>"$work/$name.run.err" </dev/null
rs=$?
"$cockpit" sil --board "$board" --firmware "$fw" --timeout 60 "${opts[@]}" "$src" \
  >"$work/$name.sil.out" 2>"$work/$name.sil.err" </dev/null
ss=$?

fail=0
if ! cmp -s "$work/$name.run.out" "$work/$name.sil.out"; then
  echo "stdout differs, simulated board (<) vs $board (>):"
  diff "$work/$name.run.out" "$work/$name.sil.out" | head -20
  fail=1
fi
if [ -n "$expected" ] && ! cmp -s "$expected" "$work/$name.sil.out"; then
  echo "$board output differs from $expected:"; diff "$expected" "$work/$name.sil.out" | head -20
  fail=1
fi
if [ "$rs" != "$ss" ] || { [ -n "$want" ] && [ "$ss" != "$want" ]; }; then
  echo "exit status: simulated $rs, $board $ss, expected ${want:-the same}"
  fail=1
fi
if { [ "$ss" = 70 ] || [ "$ss" = 75 ]; } && ! grep -q "time limit" "$work/$name.run.err" &&
   ! cmp -s "$work/$name.run.err" "$work/$name.sil.err"; then
  echo "stderr differs, simulated board (<) vs $board (>):"
  diff "$work/$name.run.err" "$work/$name.sil.err" | head -10
  fail=1
fi
if [ $fail != 0 ]; then
  echo "$board stderr:"; head -20 "$work/$name.sil.err"
  exit 1
fi
echo "ok: $name on $board ($(wc -c <"$work/$name.sil.out") bytes of output, status $ss)"
