#!/bin/sh
# cases.sh CASE COCKPIT ROOT [ARG]: CLI checks that take more than one command.
set -eu
case_=$1 cockpit=$2 root=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

case $case_ in
roundtrip)   # asm -> dis -> asm: the same program; dis again: the same text
  src=$4
  "$cockpit" asm "$src" -o "$tmp/a.cvm1"
  "$cockpit" dis "$tmp/a.cvm1" >"$tmp/a.s"
  "$cockpit" asm "$tmp/a.s" -o "$tmp/b.cvm1"
  python3 "$root/tests/cli/same_program.py" "$tmp/a.cvm1" "$tmp/b.cvm1" || fail "program changed"
  "$cockpit" dis "$tmp/b.cvm1" >"$tmp/b.s"
  diff -u "$tmp/a.s" "$tmp/b.s" || fail "disassembly is not a fixed point"
  # and the same program runs the same way from the artifact
  "$cockpit" run "$src" --max-ms 3000 >"$tmp/r1" 2>/dev/null && s1=0 || s1=$?
  "$cockpit" run "$tmp/b.cvm1" --max-ms 3000 >"$tmp/r2" 2>/dev/null && s2=0 || s2=$?
  [ "$s1" = "$s2" ] || fail "exit status $s1 from source, $s2 after the round trip"
  cmp -s "$tmp/r1" "$tmp/r2" || fail "output differs after the round trip"
  ;;
compiled)    # every compilable tests/lang program: build -> dis -> asm is the same program
  n=0
  for src in "$root"/tests/lang/*.c; do
    "$cockpit" build "$src" -o "$tmp/a.cvm1" 2>/dev/null || continue
    "$cockpit" dis "$tmp/a.cvm1" >"$tmp/a.s"
    "$cockpit" asm "$tmp/a.s" -o "$tmp/b.cvm1" || fail "$src: disassembly does not assemble"
    python3 "$root/tests/cli/same_program.py" "$tmp/a.cvm1" "$tmp/b.cvm1" || fail "$src: program changed"
    n=$((n + 1))
  done
  [ "$n" -gt 10 ] || fail "only $n programs compiled"
  echo "$n compiled programs round-tripped"
  ;;
json)        # ARG isa|abi: valid JSON with the manifest's fields
  "$cockpit" "$4" --json >"$tmp/j"
  python3 -m json.tool "$tmp/j" >/dev/null || fail "not valid JSON"
  python3 - "$4" "$tmp/j" <<'PY'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
if kind == "isa":
    ops = d["opcodes"]
    assert len(ops) > 50, len(ops)
    for i, o in enumerate(ops):
        assert o["opcode"] == i
        for k in ("name", "format", "operands", "words", "effect", "description"):
            assert k in o, (o["name"], k)
        if o["name"].startswith(("LDG", "STG")) and len(o["name"]) > 3:
            assert o["space"] == "G" and o["size"] in (1, 2, 4), o
    assert {"name": "LDK", "format": "AXK"}.items() <= next(o for o in ops if o["name"] == "LDK").items()
else:
    assert d["abi_version"] and d["abi_hash"].startswith("0x")
    names = {c["name"]: c for c in d["calls"]}
    for n in ("pinMode", "digitalWrite", "digitalRead", "analogRead", "analogWrite", "delay",
              "delayMicroseconds", "millis", "micros", "printf", "uart_begin", "uart_write",
              "uart_available", "uart_read", "i2c_write", "i2c_read", "i2c_write_read",
              "spi_transfer", "yield", "device_id", "random", "event_emit"):
        assert n in names, n
    assert names["printf"]["variadic"] is True and names["printf"]["params"][0]["type"] == "const char[]"
    assert names["digitalWrite"]["capability"] == "GPIO" and names["digitalWrite"]["returns"] == "void"
    for c in d["calls"]:
        for k in ("id", "name", "capability", "returns", "params", "variadic", "description"):
            assert k in c, (c["name"], k)
PY
  ;;
docs)        # ARG isa|abi: the checked-in docs are the generated text
  doc=$root/docs/$([ "$4" = isa ] && echo isa.md || echo host-abi.md)
  "$cockpit" "$4" --md >"$tmp/doc"
  diff -u "$doc" "$tmp/doc" || fail "$doc is stale: regenerate with 'cockpit $4 --md > $doc'"
  ;;
header)      # abi --header is guest/include/cockpit.h, and it compiles natively
  "$cockpit" abi --header >"$tmp/cockpit.h"
  cmp "$tmp/cockpit.h" "$root/guest/include/cockpit.h" || fail "abi --header differs from guest/include/cockpit.h"
  printf '#include "cockpit.h"\nint f(void) { pinMode(LED_BUILTIN, OUTPUT); return HIGH + (int)millis(); }\n' >"$tmp/t.c"
  cc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$tmp" "$tmp/t.c" || fail "header does not compile"
  ;;
dis-source)  # dis finds the recorded source next to the artifact and shows its lines
  "$cockpit" asm "$root/tests/cli/progs/lines.s" -o "$tmp/lines.cvm1"
  cp "$root/tests/cli/progs/lines.c" "$tmp/"
  (cd / && "$cockpit" dis "$tmp/lines.cvm1") >"$tmp/out"
  grep -q '^; 3 |   return x + 4;$' "$tmp/out" || { cat "$tmp/out"; fail "source line 3 not shown"; }
  grep -q '^        .line 3$' "$tmp/out" || fail ".line 3 missing"
  (cd / && "$cockpit" dis --no-source "$tmp/lines.cvm1") >"$tmp/out2"
  ! grep -q '^; 3 |' "$tmp/out2" || fail "--no-source shows source"
  "$cockpit" dis --pcs "$tmp/lines.cvm1" | grep -Eq 'RET +r0 +;     2: 0000003[0-9a-f]' || fail "--pcs"
  ;;
trust)       # run --trust: signed by that key runs; unsigned or another key is refused
  (cd "$tmp" && "$cockpit" keygen good >/dev/null && "$cockpit" keygen evil >/dev/null)
  "$cockpit" asm "$root/examples/countdown.s" -o "$tmp/u.cvm1"
  "$cockpit" asm "$root/examples/countdown.s" -o "$tmp/s.cvm1" --key "$tmp/good.key"
  "$cockpit" run "$tmp/s.cvm1" --trust "$tmp/good.pub" | grep -q liftoff || fail "signed artifact did not run"
  if "$cockpit" run "$tmp/s.cvm1" --trust "$tmp/evil.pub" >"$tmp/o" 2>"$tmp/e"; then fail "wrong key accepted"; fi
  [ ! -s "$tmp/o" ] || fail "refused program printed something"
  grep -q "refused" "$tmp/e" || fail "no reason given: $(cat "$tmp/e")"
  if "$cockpit" run "$tmp/u.cvm1" --trust "$tmp/good.pub" 2>/dev/null; then fail "unsigned accepted"; fi
  # a flipped byte is refused even without --trust (digest)
  python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[200]^=1; open(sys.argv[2],'wb').write(b)" "$tmp/u.cvm1" "$tmp/x.cvm1"
  if "$cockpit" run "$tmp/x.cvm1" 2>"$tmp/e"; then fail "corrupted artifact ran"; fi
  grep -q "refused" "$tmp/e" || fail "no reason for the corrupted artifact"
  ;;
loopshape)   # the loop forms the optimiser promises, counted in the disassembly
  cat >"$tmp/l.c" <<'SRC'
#include <stdint.h>
int a[8][16];
int b[16][8];
uint8_t f[300];
int16_t p[4][16], w[16][4];
int dot(int r) {
  int s = 0;
  for (int k = 0; k < 16; k++) s += a[r][k] * b[k][5];
  return s;
}
int taps[8], sig[40];
int fir(int n) {
  int acc = 0;
  for (int k = 0; k < 8; k++) acc += taps[k] * sig[n - k];
  return acc;
}
int dot16(int r) {
  int s = 0;
  for (int k = 0; k < 16; k++) s += p[r][k] * w[k][3];
  return s;
}
int fill(void) {
  int n = 0;
  for (int i = 0; i <= 299; i++) f[i] = 1;
  for (int i = 0; i <= 20; i++) n += f[i];
  return n;
}
int main(void) { return dot(1) + dot16(2) + fir(20) + fill(); }
SRC
  "$cockpit" build "$tmp/l.c" -o "$tmp/l.cvm1"
  "$cockpit" dis "$tmp/l.cvm1" >"$tmp/l.s"
  # body of each loop: from its top label through the closing INCLT/INCLTI
  awk '/^\.func/ { fn = $2 } /^L[0-9]+:/ { top[$1] = NR }
       { if ($0 !~ /^[;.]/ && $0 !~ /^$/ && $0 !~ /^\.line/) body[NR] = 1 }
       /INC(LTI?|NE) / { t = $NF ":"; n = 0; for (i = top[t]; i <= NR; i++) if (i in body) n++;
                    print fn, n }' "$tmp/l.s" >"$tmp/shape"
  cat "$tmp/shape"
  # a loop that is only acc += x * y is one DOTP (DOTPS16), with no loop around it
  awk '/^\.func/ { fn = $2 } $1 == "DOTP" || $1 == "DOTPS16" { print fn, $1 }' "$tmp/l.s" >"$tmp/dots"
  grep -qx "dot DOTP" "$tmp/dots" && grep -qx "dot16 DOTPS16" "$tmp/dots" &&
    grep -qx "fir DOTP" "$tmp/dots" ||
    fail "dot product loops are not one DOTP/DOTPS16: $(cat "$tmp/dots")"
  ! grep -q "^dot\|^fir" "$tmp/shape" || fail "a loop is left around DOTP"
  grep -qx "fill 2" "$tmp/shape" && grep -qx "fill 3" "$tmp/shape" ||
    fail "<= loops do not close with INCLT/INCLTI"
  ;;
build-opts)  # asm/build options reach the artifact header
  "$cockpit" asm "$root/examples/countdown.s" -o "$tmp/v.cvm1" --version 1.2.3 --counter 7 --strip
  "$cockpit" inspect "$tmp/v.cvm1" --json >"$tmp/i.json"
  python3 - "$tmp/i.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = json.dumps(d)
assert "1.2.3" in s and d.get("security_counter") == 7, s[:400]
PY
  "$cockpit" dis "$tmp/v.cvm1" >"$tmp/v.s"
  grep -q '^.func f0 0' "$tmp/v.s" || fail "stripped artifact should have no function names"
  "$cockpit" asm "$tmp/v.s" --strip -o "$tmp/v2.cvm1"
  python3 "$root/tests/cli/same_program.py" "$tmp/v.cvm1" "$tmp/v2.cvm1" || fail "stripped round trip"
  "$cockpit" asm "$root/examples/countdown.s" -o "$tmp/d.cvm1"
  [ -f "$tmp/d.cvm1" ] || fail "-o"
  (cd "$tmp" && cp "$root/examples/countdown.s" c.s && "$cockpit" asm c.s && [ -f c.cvm1 ]) || fail "default output name"
  ;;
*) fail "unknown case $case_" ;;
esac
