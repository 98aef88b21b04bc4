#!/bin/bash
# run_fault.sh COCKPIT SRC -- SRC faults at run time; `// fault: LINE: KIND`
# in it names the line and the fault message. cockpit run must exit with
# status 70 and print "SRC:LINE: fault: KIND" on stderr. Output before the
# fault, if the program names it in `// output: TEXT`, must appear.
set -u
cockpit=$1 src=$2
spec=$(sed -n 's|^// fault: *||p' "$src" | head -n 1)
line=${spec%%:*}
kind=${spec#*: }
out=$("$cockpit" run "$src" 2>/tmp/fault.$$.err)
status=$?
err=$(cat /tmp/fault.$$.err)
rm -f /tmp/fault.$$.err
want="$src:$line: fault: $kind"
fail=0
if [ $status != 70 ]; then echo "exit status $status, expected 70"; fail=1; fi
case $err in
  "$want"*) ;;
  *) echo "stderr: $err"; echo "expected: $want ..."; fail=1 ;;
esac
expout=$(sed -n 's|^// output: *||p' "$src" | head -n 1)
if [ -n "$expout" ] && [ "$out" != "$expout" ]; then
  echo "stdout: $out"; echo "expected: $expout"; fail=1
fi
[ $fail = 0 ] && echo "ok: $err"
exit $fail
