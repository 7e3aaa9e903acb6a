#!/usr/bin/env bash
# The main job: builds the library and its example, then starts several
# processes that take turns on one lock file and show each hand-over.
#   scripts/demo.sh [PROCESSES=4]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target take_turns

processes=${1:-4}
lock_dir=$(mktemp -d)
trap 'rm -rf "$lock_dir"' EXIT
echo "== $processes processes take turns on $lock_dir/demo.lock"
pids=()
for _ in $(seq "$processes"); do
  build/release/examples/take_turns "$lock_dir/demo.lock" 3 200 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
[ "$status" -eq 0 ] && echo "== all $processes processes done; lock file left behind: $(ls -A "$lock_dir" | wc -l)"
exit "$status"
