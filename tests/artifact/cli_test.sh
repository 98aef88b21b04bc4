#!/bin/sh
# cli_test.sh -- `cockpit keygen/sign/verify/inspect` and `run --trust`.
# Usage: cli_test.sh COCKPIT ART_TOOL ROOT CASE
set -u
cockpit=$1 tool=$2 root=$3 case=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 2
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect STATUS PATTERN CMD...: run, check exit status and that the combined
# output matches the grep pattern (empty: any).
expect() {
  want=$1 pat=$2; shift 2
  "$@" >out.txt 2>err.txt
  got=$?
  [ "$got" = "$want" ] || fail "$*: exit $got, want $want; stderr: $(cat err.txt)"
  if [ -n "$pat" ] && ! cat out.txt err.txt | grep -q -- "$pat"; then
    fail "$*: output lacks '$pat': $(cat out.txt err.txt)"
  fi
}

setup() {
  "$tool" sample a.cvm1 || exit 2
  "$cockpit" keygen k1 >/dev/null || exit 2
  "$cockpit" keygen k2 >/dev/null || exit 2
  "$cockpit" sign a.cvm1 --key k1.key -o s.cvm1 || exit 2
}

case $case in
keygen)
  expect 0 "key id [0-9a-f]\{16\}" "$cockpit" keygen dev
  [ "$(stat -c %a dev.key)" = 600 ] || fail "dev.key mode $(stat -c %a dev.key)"
  [ -s dev.pub ] || fail "no dev.pub"
  head -1 dev.key | grep -q "BEGIN PRIVATE KEY" || fail "dev.key not PEM"
  head -1 dev.pub | grep -q "BEGIN PUBLIC KEY" || fail "dev.pub not PEM"
  before=$(cat dev.key)
  expect 1 "already exists" "$cockpit" keygen dev
  [ "$(cat dev.key)" = "$before" ] || fail "dev.key overwritten"
  expect 2 "missing NAME" "$cockpit" keygen
  expect 2 "too many" "$cockpit" keygen a b
  expect 1 "No such file" "$cockpit" keygen /nonexistent-dir/k
  for c in keygen sign verify inspect; do
    expect 0 "usage: cockpit $c" "$cockpit" $c --help
  done
  ;;
sign)
  setup
  expect 0 "ok: version 1.2.3, security counter 7" "$cockpit" verify s.cvm1 --pub k1.pub
  # in place, and re-signing replaces the signer
  cp s.cvm1 r.cvm1
  expect 0 "" "$cockpit" sign r.cvm1 --key k2.key
  expect 0 "ok" "$cockpit" verify r.cvm1 --pub k2.pub
  expect 1 "not in the trust store" "$cockpit" verify r.cvm1 --pub k1.pub
  expect 0 "ok" "$cockpit" verify r.cvm1 --pub k1.pub --pub k2.pub
  expect 1 "No such file" "$cockpit" sign a.cvm1 --key nokey.key -o x.cvm1
  expect 1 "not a valid Ed25519 PEM key" "$cockpit" sign a.cvm1 --key k1.pub -o x.cvm1
  expect 1 "refused: not a CVM1 artifact" "$cockpit" sign k1.pub --key k1.key -o x.cvm1
  "$tool" flip a.cvm1 bad.cvm1 300
  expect 1 "refused: digest does not match" "$cockpit" sign bad.cvm1 --key k1.key -o x.cvm1
  [ ! -e x.cvm1 ] || fail "sign wrote output for a refused artifact"
  expect 2 "missing --key" "$cockpit" sign a.cvm1
  expect 2 "missing ART" "$cockpit" sign --key k1.key
  expect 2 "unknown option" "$cockpit" sign a.cvm1 --key k1.key --bogus
  ;;
verify)
  setup
  expect 1 "refused: artifact is not signed" "$cockpit" verify a.cvm1 --pub k1.pub
  expect 1 "refused: signed by a key that is not in the trust store" "$cockpit" verify s.cvm1 --pub k2.pub
  expect 1 "refused: security counter below" "$cockpit" verify s.cvm1 --pub k1.pub --floor 8
  expect 0 "ok" "$cockpit" verify s.cvm1 --pub k1.pub --floor 7
  expect 1 "refused: uses capability groups" "$cockpit" verify s.cvm1 --pub k1.pub --caps LOG
  expect 0 "ok" "$cockpit" verify s.cvm1 --pub k1.pub --caps log,time
  expect 1 "refused: built for another vendor" "$cockpit" verify s.cvm1 --pub k1.pub --vendor other.example
  expect 0 "ok" "$cockpit" verify s.cvm1 --pub k1.pub --vendor example.com --class example.com/blinky-board
  expect 1 "refused: built for another device class" "$cockpit" verify s.cvm1 --pub k1.pub --class example.com/x
  head -c 100 s.cvm1 > t.cvm1
  expect 1 "refused: artifact is truncated" "$cockpit" verify t.cvm1 --pub k1.pub
  cat s.cvm1 s.cvm1 > d.cvm1
  expect 1 "refused: bytes after the end" "$cockpit" verify d.cvm1 --pub k1.pub
  expect 1 "refused: not a CVM1 artifact" "$cockpit" verify k1.pub --pub k1.pub
  expect 1 "No such file" "$cockpit" verify missing.cvm1 --pub k1.pub
  expect 1 "No such file" "$cockpit" verify s.cvm1 --pub missing.pub
  expect 1 "not a valid Ed25519 PEM key" "$cockpit" verify s.cvm1 --pub k1.key
  expect 2 "missing --pub" "$cockpit" verify s.cvm1
  expect 2 "missing ART" "$cockpit" verify --pub k1.pub
  expect 2 "needs a number" "$cockpit" verify s.cvm1 --pub k1.pub --floor x
  expect 2 "unknown capability" "$cockpit" verify s.cvm1 --pub k1.pub --caps LOG,NOPE
  ;;
inspect)
  setup
  expect 0 "security_counter  7" "$cockpit" inspect a.cvm1
  for pat in "version           1.2.3" "abi               1.1" "caps              TIME LOG" \
             "  code     offset" "signature         unsigned" "source_name       sample.c"; do
    grep -q "$pat" out.txt || fail "inspect text lacks '$pat'"
  done
  expect 0 '"security_counter": 7' "$cockpit" inspect s.cvm1 --json
  for pat in '"version": "1.2.3"' '"abi_version": "1.1"' '"abi_hash": "0x' '"sections": \[' \
             '"digest": "' '"signature": "' '"key_id": "' '"signature_status": "present'; do
    grep -q "$pat" out.txt || fail "inspect --json lacks '$pat'"
  done
  if command -v python3 >/dev/null; then
    python3 -m json.tool out.txt >/dev/null || fail "inspect --json is not valid JSON"
  fi
  expect 0 '"signature_status": "valid"' "$cockpit" inspect s.cvm1 --json --pub k1.pub
  expect 1 '"signature_status": "signed by another key"' "$cockpit" inspect s.cvm1 --json --pub k2.pub
  expect 1 "signature         unsigned" "$cockpit" inspect a.cvm1 --pub k1.pub
  "$tool" flip s.cvm1 bad.cvm1 300
  expect 1 "(MISMATCH)" "$cockpit" inspect bad.cvm1
  expect 1 '"valid": false' "$cockpit" inspect k1.pub --json
  expect 1 "invalid artifact: not a CVM1 artifact" "$cockpit" inspect k1.pub
  expect 2 "missing ART" "$cockpit" inspect --json
  ;;
flip)
  # Any single flipped byte: `cockpit verify` refuses every one, and
  # `cockpit run --trust` refuses a sample before running anything.
  setup
  expect 42 "" "$cockpit" run s.cvm1 --trust k1.pub
  size=$("$tool" size s.cvm1)
  pos=0
  while [ $pos -lt "$size" ]; do
    "$tool" flip s.cvm1 f.cvm1 $pos || exit 2
    "$cockpit" verify f.cvm1 --pub k1.pub >/dev/null 2>err.txt
    rc=$?
    [ $rc = 1 ] && grep -q "refused" err.txt || fail "verify accepted byte $pos flipped (exit $rc)"
    if [ $((pos % 7)) = 0 ] || [ $pos -ge $((size - 124)) ]; then
      "$cockpit" run f.cvm1 --trust k1.pub >out.txt 2>err.txt
      rc=$?
      [ $rc = 1 ] && grep -q "refused" err.txt && [ ! -s out.txt ] ||
        fail "run --trust did not refuse byte $pos flipped (exit $rc)"
    fi
    pos=$((pos + 1))
  done
  expect 1 "refused: artifact is not signed" "$cockpit" run a.cvm1 --trust k1.pub
  expect 1 "refused: signed by a key that is not in the trust store" "$cockpit" run s.cvm1 --trust k2.pub
  ;;
build)
  # Signing and release metadata straight from the assembler front end.
  expect 0 "" "$cockpit" keygen rel
  expect 0 "" "$cockpit" asm "$root/examples/countdown.s" -o c.cvm1 --key rel.key --version 2.5.9 --counter 12
  expect 0 "ok: version 2.5.9, security counter 12" "$cockpit" verify c.cvm1 --pub rel.pub
  expect 1 "refused: security counter below" "$cockpit" verify c.cvm1 --pub rel.pub --floor 13
  expect 0 '"security_counter": 12' "$cockpit" inspect c.cvm1 --json --pub rel.pub
  expect 0 "" "$cockpit" run c.cvm1 --trust rel.pub
  expect 0 "" "$cockpit" asm "$root/examples/countdown.s" -o u.cvm1
  expect 1 "refused: artifact is not signed" "$cockpit" run u.cvm1 --trust rel.pub
  ;;
build_c)
  # cockpit build SRC.c -o OUT --key --version --counter: signed, with the
  # source digest recorded (runs when the compiler is part of the build).
  printf 'int main(void) { return 7; }\n' > m.c
  expect 0 "" "$cockpit" keygen rel
  expect 0 "" "$cockpit" build m.c -o m.cvm1 --key rel.key --version 0.3.1 --counter 4
  expect 0 "ok: version 0.3.1, security counter 4" "$cockpit" verify m.cvm1 --pub rel.pub
  digest=$(sha256sum m.c | cut -c1-64)
  expect 0 "\"source_digest\": \"$digest\"" "$cockpit" inspect m.cvm1 --json --pub rel.pub
  expect 7 "" "$cockpit" run m.cvm1 --trust rel.pub
  expect 0 "" "$cockpit" build m.c -o u.cvm1
  expect 1 "refused: artifact is not signed" "$cockpit" run u.cvm1 --trust rel.pub
  ;;
weak_keys)
  # Public-key files no trust store may take: every command that trusts a
  # key refuses them, naming the file and the reason.
  setup
  pem() {  # pem FILE HEX: an Ed25519 SubjectPublicKeyInfo around raw bytes
    python3 -c 'import base64, sys
der = bytes.fromhex("302a300506032b6570032100" + sys.argv[1])
print("-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----")' "$2" > "$1"
  }
  pem ident.pub 0100000000000000000000000000000000000000000000000000000000000000
  pem order8.pub c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a
  pem noncanon.pub f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f
  pem offcurve.pub 0200000000000000000000000000000000000000000000000000000000000000
  for k in ident order8; do
    expect 1 "$k.pub: Ed25519 public key is a small-order point" "$cockpit" verify s.cvm1 --pub $k.pub
  done
  expect 1 "noncanon.pub: Ed25519 public key has a non-canonical encoding" "$cockpit" verify s.cvm1 --pub noncanon.pub
  expect 1 "offcurve.pub: Ed25519 public key is not a point of the curve" "$cockpit" verify s.cvm1 --pub offcurve.pub
  # one bad key among good ones is refused all the same
  expect 1 "ident.pub: Ed25519 public key is a small-order" "$cockpit" verify s.cvm1 --pub k1.pub --pub ident.pub
  expect 1 "ident.pub: Ed25519 public key is a small-order" "$cockpit" run s.cvm1 --trust ident.pub
  expect 1 "ident.pub: Ed25519 public key is a small-order" "$cockpit" inspect s.cvm1 --pub ident.pub
  expect 1 "order8.pub: Ed25519 public key is a small-order" "$cockpit" device --flash img --uart uart --trust order8.pub
  [ -e img ] || [ -e uart ] && fail "device started with a refused key"
  expect 0 "ok" "$cockpit" verify s.cvm1 --pub k1.pub
  ;;
*)
  echo "unknown case $case" >&2
  exit 2
  ;;
esac
[ $fails = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
exit 0
