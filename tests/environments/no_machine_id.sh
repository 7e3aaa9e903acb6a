#!/bin/bash
# Runs test cases as on a machine without a machine id (Debian minimal roots,
# container images): /etc/machine-id and /var/lib/dbus/machine-id are hidden
# behind empty files in a private mount namespace.
#   no_machine_id.sh TEST_BINARY GTEST_FILTER
# Exits with the test binary's status, or 77 (skipped, the reason printed)
# where no mount namespace can be made (not root, not Linux).
set -euo pipefail
[ $# = 2 ] || { echo "usage: $0 TEST_BINARY GTEST_FILTER" >&2; exit 64; }
[ "$(uname -s)" = Linux ] || { echo "SKIP: Linux mount namespaces only"; exit 77; }
[ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null ||
  { echo "SKIP: needs root and mount namespaces"; exit 77; }
exec unshare -m --propagation private bash -c '
  set -euo pipefail
  empty=$(mktemp)
  trap "rm -f -- \"\$empty\"" EXIT
  for id in /etc/machine-id /var/lib/dbus/machine-id; do
    [ ! -e "$id" ] || mount --bind "$empty" "$id"
  done
  [ -z "$(cat /etc/machine-id /var/lib/dbus/machine-id 2>/dev/null)" ] ||
    { echo "FAIL: a machine id is still readable" >&2; exit 1; }
  "$1" --gtest_filter="$2" --gtest_brief=1
' no_machine_id "$1" "$2"
