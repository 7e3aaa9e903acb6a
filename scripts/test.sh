#!/usr/bin/env bash
# The whole test suite: installs what is missing, then builds and runs every
# test under the developer preset (GCC, warnings as errors), the Clang preset,
# the preset with the advisory fast path compiled out, the
# AddressSanitizer+UndefinedBehaviorSanitizer preset and the Windows backend
# (MinGW-w64 cross build, run under Wine); the developer preset also runs the
# multi-host tests on real sshfs mounts (tests/network, as root with
# /dev/fuse; skipped with the reason otherwise); every native preset runs the
# hostile co-user suite (tests/hostile, as root: it creates users), and the
# Clang preset the libFuzzer targets (fuzz/) for a bounded time; and checks that the
# benchmarks still build (they are run by scripts/bench.sh, not here).
#   scripts/test.sh [PRESET...]  (default: dev clang no-advisory asan-ubsan mingw-wine)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(dev clang no-advisory asan-ubsan mingw-wine)
for preset in "${presets[@]}"; do
  echo "== preset $preset"
  cmake --workflow --preset "$preset" --fresh
done
if [ $# -eq 0 ]; then
  echo "== benchmarks build"
  cmake --preset bench --fresh >/dev/null
  cmake --build --preset bench
fi
