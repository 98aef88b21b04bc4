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

# ---- over the air: a simulated device, its bootloader and programming port --
step "A device: bootloader + hypervisor on the simulated board, flash in a file, programming port on a pty"
dev="$out/device"
rm -rf "$dev" && mkdir -p "$dev"
"$C" keygen "$dev/vendor" >/dev/null
"$C" sign "$out/blinky.cvm1" --key "$dev/vendor.key" -o "$dev/blinky.cvm1"
"$C" device --flash "$dev/flash.img" --uart "$dev/uart" --trust "$dev/vendor.pub" \
  --oled "$dev/oled.png" --baud 115200 --health-ms 1500 >"$dev/guest.out" 2>"$dev/device.log" &
devpid=$!
trap 'kill $devpid 2>/dev/null' EXIT
for _ in $(seq 100); do [ -e "$dev/uart" ] && break; sleep 0.05; done
"$C" flash --uart "$dev/uart" --status

step "Flash the signed $src over the protocol (115200 baud): standby bank, verified there, trial boot"
"$C" flash --uart "$dev/uart" "$dev/blinky.cvm1"
sleep 2.5
step "It runs (the guest's output), confirmed by the hypervisor after 1.5 s without a fault"
cat "$dev/guest.out"
"$C" flash --uart "$dev/uart" --status

step "The device's status display (SSD1306 on I2C, drawn by the host, not the guest): $dev/oled.png, read back"
python3 scripts/oled-read.py "$dev/oled.png" | sed 's/^/  | /'

step "The device itself refuses an unsigned artifact"
"$C" flash --uart "$dev/uart" --quiet "$out/blinky.cvm1" || echo "(refused: exit status $?)"

step "What the device reports on its own (sideband): heartbeats, guest output, telemetry, events"
"$C" monitor --uart "$dev/uart" --seconds 3

step "A program that faults on trial: the hypervisor rejects it, the device goes back to blinky"
"$C" build examples/fault.c -o "$dev/fault.cvm1" --key "$dev/vendor.key" --version 1.0.1 >/dev/null
"$C" flash --uart "$dev/uart" --quiet "$dev/fault.cvm1" || true
sleep 1
"$C" flash --uart "$dev/uart" --status

step "The crash record in the device's blackbox (flash, survives resets), with file:line"
"$C" blackbox --uart "$dev/uart"

kill "$devpid" 2>/dev/null; wait "$devpid" 2>/dev/null || true
trap - EXIT
step "The device's log"
cat "$dev/device.log"
