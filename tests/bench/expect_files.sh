#!/bin/sh
# expect_files.sh STATUS OUT ERR CMD [ARGS...]: run CMD; its exit status must
# be STATUS, and its stdout and stderr exactly the files OUT and ERR ("-":
# anything, "empty": nothing).
set -u
status=$1 out=$2 err=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$@" >"$tmp/out" 2>"$tmp/err"
rc=$?
fail=0
check() {   # check WHAT SPEC FILE
  case $2 in
    -) ;;
    empty) if [ -s "$3" ]; then echo "$1 is not empty:"; cat "$3"; fail=1; fi ;;
    *) if ! cmp -s "$2" "$3"; then echo "$1 differs from $2:"; diff "$2" "$3"; fail=1; fi ;;
  esac
}
if [ "$rc" -ne "$status" ]; then echo "exit status $rc, expected $status"; fail=1; fi
check stdout "$out" "$tmp/out"
check stderr "$err" "$tmp/err"
[ $fail -ne 0 ] && echo "command: $*"
exit $fail
