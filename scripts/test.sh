#!/usr/bin/env bash
# The whole test suite: installs what is missing, then builds and runs every
# test under the developer preset (GCC, warnings as errors), the Clang preset,
# the preset with the advisory fast path compiled out, the
# AddressSanitizer+UndefinedBehaviorSanitizer preset, the ThreadSanitizer
# preset (the heartbeat thread, the holder registry, the tool's signal
# forwarding; CMakePresets.json says which cases it leaves out and why) and
# the Windows backend
# (MinGW-w64 cross build, run under Wine); the developer preset also runs the
# multi-host tests on real sshfs mounts (tests/network, as root with
# /dev/fuse; skipped with the reason otherwise); every native preset runs the
# hostile co-user suite (tests/hostile, as root: it creates users), the
# liveness scenarios (tests/liveness: namespaces, hidepid, other lockers, a
# killed tool), fault injection (tests/fault) and the run without a machine id
# (tests/environments), and the
# Clang preset the libFuzzer targets (fuzz/) for a bounded time; and checks that the
# benchmarks still build (they are run by scripts/bench.sh, not here).
#   scripts/test.sh [PRESET...]  (default: dev clang no-advisory asan-ubsan tsan mingw-wine)
set -euo pipefail
cd "$(dirname "$0")/.."

# ThreadSanitizer as Debian 12 ships it (GCC 12's libtsan, Clang 14's: both
# older than LLVM 18) expects the program and its libraries where the kernel
# puts them with at most 28 bits of mmap randomization (x86_64's usual
# default). A kernel set to more (Ubuntu 24.04: 32) makes it stop at start,
# now and then, with "FATAL: ThreadSanitizer: unexpected memory mapping".
# There the tsan workflow runs with address randomization off for its own
# process tree (setarch -R, inherited by CTest, the tests and the tools they
# start); where that is not permitted (a container's seccomp), as root, the
# sysctl is lowered to 28 for the run and restored after it.
tsan_workflow() {
  local bits
  bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)
  if [ "$bits" -le 28 ]; then
    cmake --workflow --preset tsan --fresh
  elif setarch "$(uname -m)" -R true 2>/dev/null; then
    echo "tsan: vm.mmap_rnd_bits is $bits, over TSan's 28: running with address randomization off"
    setarch "$(uname -m)" -R cmake --workflow --preset tsan --fresh
  elif [ "$(id -u)" -eq 0 ] && echo 28 2>/dev/null >/proc/sys/vm/mmap_rnd_bits; then
    echo "tsan: vm.mmap_rnd_bits is $bits, over TSan's 28: lowered to 28 for this run"
    # shellcheck disable=SC2064  # restored to this value, even on a failure or ^C
    trap "echo $bits >/proc/sys/vm/mmap_rnd_bits" EXIT
    cmake --workflow --preset tsan --fresh
    echo "$bits" >/proc/sys/vm/mmap_rnd_bits
    trap - EXIT
  else
    echo "tsan: vm.mmap_rnd_bits is $bits, over TSan's 28, and neither setarch -R nor (as root)" \
      "lowering it is possible here: run 'sysctl -w vm.mmap_rnd_bits=28' first" >&2
    return 1
  fi
}

scripts/install-deps.sh
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(dev clang no-advisory asan-ubsan tsan mingw-wine)
for preset in "${presets[@]}"; do
  echo "== preset $preset"
  if [ "$preset" = tsan ]; then
    tsan_workflow
  else
    cmake --workflow --preset "$preset" --fresh
  fi
done
if [ $# -eq 0 ]; then
  echo "== benchmarks build"
  cmake --preset bench --fresh >/dev/null
  cmake --build --preset bench
fi
