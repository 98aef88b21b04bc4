#!/usr/bin/env bash
# make demo: compile an example, look inside the artifact, and run it on the
# simulated board with a trace of every host-visible event.
set -euo pipefail
B=${1:-build}
C="$B/bin/cockpit"
out="$B/demo"
mkdir -p "$out"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cockpit version"
"$C" version

if [ -f examples/blinky.c ] && "$C" build examples/blinky.c -o "$out/blinky.cvm1" 2>/dev/null; then
  src=examples/blinky.c
else
  # The compiler is not built yet: assemble the hand-written blink instead.
  src=examples/blink.s
  "$C" asm "$src" -o "$out/blinky.cvm1"
fi

step "Compiled $src into $out/blinky.cvm1"
"$C" inspect "$out/blinky.cvm1"

step "Disassembly (source lines interleaved when available)"
"$C" dis "$out/blinky.cvm1"

step "Running on the simulated board for 3 s of virtual time (--trace on stderr)"
"$C" run "$out/blinky.cvm1" --trace --max-ms 3000

step "A faulting guest stops with file:line, the host keeps running"
if [ -f examples/fault.c ]; then
  "$C" run examples/fault.c || echo "(exit status $?)"
fi
