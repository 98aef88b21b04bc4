#!/bin/sh
# ca_run.sh CASE COCKPIT ROOT -- ca.sh, skipped (77) without mosquitto, its
# clients, openssl (to read certificates back), python3 or ss.
for t in /usr/sbin/mosquitto mosquitto_pub mosquitto_sub openssl python3 ss; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed (scripts/install-deps.sh)"; exit 77; }
done
exec sh "$3/tests/fleet/ca.sh" "$@"
