#!/usr/bin/env bash
# The main job: builds the library and the uuid-filelock tool, then starts
# several `uuid-filelock run`s at once on one lock file, as independent
# scripts would. Each one's command prints when it starts and ends its turn:
# the turns never overlap, and nothing is left behind.
#   scripts/demo.sh [PROCESSES=4] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --demo
# The release configuration without the test suite, whose prerequisites the
# demo does not need, in a directory of its own.
cmake --preset release -B build/demo -DUUID_FILELOCK_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo --target uuid_filelock_tool take_turns

processes=${1:-4}
rounds=${2:-3}
tool=build/demo/tool/uuid-filelock
lock_dir=$(mktemp -d)
trap 'rm -rf "$lock_dir"' EXIT
lock="$lock_dir/demo.lock"
echo "== $processes scripts x $rounds turns on $lock"

turn='echo "$(date +%T.%3N) worker $0 starts its turn"; sleep 0.2;
      echo "$(date +%T.%3N) worker $0 ends its turn"'
pids=()
for worker in $(seq "$processes"); do
  (for _ in $(seq "$rounds"); do "$tool" run "$lock" -- sh -c "$turn" "$worker"; done) &
  pids+=($!)
done
# A script can look at the lock at any time:
sleep 0.3
"$tool" status "$lock" || true

status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
[ "$status" -eq 0 ] &&
  echo "== all $processes scripts done; files left in $lock_dir: $(ls -A "$lock_dir" | wc -l)"
exit "$status"
