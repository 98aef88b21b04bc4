#!/bin/sh
# expect.sh STATUS OUT ERR CMD [ARGS...]: run CMD and check it.
#   STATUS  the exit status it must have
#   OUT     stdout: "-" anything, "empty", "=TEXT" exactly TEXT (printf %b),
#           "~REGEX" a line matching the extended regex
#   ERR     stderr, in the same forms
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
    empty) if [ -s "$3" ]; then echo "$1 is not empty"; fail=1; fi ;;
    =*) printf '%b' "${2#=}" >"$tmp/want"
        if ! cmp -s "$tmp/want" "$3"; then echo "$1 differs:"; diff "$tmp/want" "$3"; fail=1; fi ;;
    ~*) if ! grep -Eq -- "${2#\~}" "$3"; then echo "$1 does not match /${2#\~}/"; fail=1; fi ;;
    *) echo "bad spec $2"; fail=1 ;;
  esac
}
if [ "$rc" -ne "$status" ]; then echo "exit status $rc, expected $status"; fail=1; fi
check stdout "$out" "$tmp/out"
check stderr "$err" "$tmp/err"
if [ $fail -ne 0 ]; then
  echo "command: $*"
  echo "--- stdout"; cat "$tmp/out"
  echo "--- stderr"; cat "$tmp/err"
fi
exit $fail
