#!/bin/bash
# run_random.sh COCKPIT GEN CC FIRST COUNT WORK -- differential test: the
# random programs of seeds FIRST.. must print the same hash and exit the
# same way on the VM as compiled natively with CC -fwrapv.
set -u
cockpit=$1 gen=$2 cc=$3 first=$4 count=$5 work=$6
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work"
fail=0
for ((s = first; s < first + count; s++)); do
  p="$work/random_$s.c"
  "$gen" "$s" >"$p"
  vm=$("$cockpit" run "$p" 2>"$work/random_$s.err")
  vs=$?
  if ! "$cc" -std=gnu11 -fwrapv -O1 -w -I "$root/guest/include" -o "$work/random_$s" "$p" \
       "$root/guest/native/cockpit_native.c"; then
    echo "seed $s: native compile failed"; fail=1; continue
  fi
  nat=$("$work/random_$s")
  ns=$?
  if [ "$vm" != "$nat" ] || [ $vs != $ns ]; then
    echo "seed $s: VM '$vm' ($vs), native '$nat' ($ns)"
    head -5 "$work/random_$s.err"
    fail=1
  fi
done
[ $fail = 0 ] && echo "ok: $count random programs from seed $first"
exit $fail
