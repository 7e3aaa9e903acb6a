#!/usr/bin/env bash
# Benchmarks, with raw baselines measured in the same run on the same
# filesystem: uncontended acquire+release (Google Benchmark), then contended
# throughput, fairness and hand-over latency across processes.
#   scripts/bench.sh [DIR...]     (default: /dev/shm and /var/tmp)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset bench >/dev/null
cmake --build --preset bench
build/bench/bench/uncontended_bench --benchmark_min_time=1 "$@"
build/bench/bench/contention_bench "$@"
