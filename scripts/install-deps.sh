#!/usr/bin/env bash
# Installs, with apt-get, whichever of the build and test prerequisites are
# missing on a Debian/Ubuntu machine. Does nothing when all are present.
#   scripts/install-deps.sh [--demo] [EXTRA_PACKAGE...]
# --demo: only what building the library, the tool and the examples needs
# (scripts/demo.sh), not the test suite's cross toolchain, Wine, sshfs...
set -euo pipefail

# The Windows leg cross-compiles with MinGW-w64 and runs under Wine;
# googletest (the sources, pulled in by libgtest-dev) is built for it.
# The command-line tool parses options with CLI11 and writes JSON with
# nlohmann-json (both header-only). The multi-host tests (tests/network)
# mount sshfs from a private sshd and, for measurements, rclone. The Clang
# leg also builds the fuzzers: libFuzzer (-fsanitize=fuzzer) ships in
# libclang-rt-14-dev, which clang 14 only recommends.
# The liveness tests (tests/liveness) hold the lock path with util-linux
# flock(1) and Python filelock (python3-filelock) as other lockers. The
# completion tests (completions/) complete in bash with and without
# bash-completion loaded, and in an interactive zsh.
build=(cmake ninja-build g++ libboost-dev libcli11-dev nlohmann-json3-dev)
tests=(clang libclang-rt-14-dev libgtest-dev libgmock-dev libbenchmark-dev googletest
  g++-mingw-w64-x86-64-posix wine wine64 sshfs openssh-server openssh-client fuse3 rclone util-linux
  python3 python3-filelock bash-completion zsh)
if [ "${1:-}" = --demo ]; then
  shift
  packages=("${build[@]}" "$@")
else
  packages=("${build[@]}" "${tests[@]}" "$@")
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
# The tests start their own sshd; installing openssh-server must neither
# start the system's now (policy-rc.d 101: "action forbidden", for this
# install only) nor at the next boot (sshd_not_to_be_run, only if this
# install is what brings sshd).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  trap '$sudo rm -f "$policy"' EXIT
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
fi
brings_sshd=""
[ -e /usr/sbin/sshd ] || brings_sshd=1
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ -z "$brings_sshd" ] || $sudo touch /etc/ssh/sshd_not_to_be_run
