#!/bin/sh
# docs_metrics.sh DEF DOC: every metric name of fleet_metrics.def is in the doc's table.
def=$1 doc=$2
names=$(grep -o '"fleet_[a-z_]*"' "$def" | tr -d '"')
[ -n "$names" ] || { echo "no metrics found in $def"; exit 1; }
for m in $names; do
  grep -qF "| \`$m\`" "$doc" || { echo "missing in $(basename "$doc"): $m"; exit 1; }
done
echo "$(echo "$names" | wc -l) metrics documented"
