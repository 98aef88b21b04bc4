#!/bin/sh
# in_tmp.sh BASE CMD ARGS...: run CMD ARGS with every argument "@TMP@"
# replaced by a new temporary folder under BASE, which is removed afterwards,
# pass or fail. Exits with CMD's status.
base=$1
shift
d=$(mktemp -d "$base/tmp.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
for a do
  shift
  [ "$a" = @TMP@ ] && a=$d
  set -- "$@" "$a"
done
"$@"
