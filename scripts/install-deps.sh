#!/usr/bin/env bash
# Installs, with apt-get, whichever of the build and test prerequisites are
# missing on a Debian/Ubuntu machine. Does nothing when all are present.
#   scripts/install-deps.sh [EXTRA_PACKAGE...]
set -euo pipefail

# The Windows leg cross-compiles with MinGW-w64 and runs under Wine;
# googletest (the sources, pulled in by libgtest-dev) is built for it.
# The command-line tool parses options with CLI11 and writes JSON with
# nlohmann-json (both header-only).
packages=(cmake ninja-build g++ clang libboost-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev googletest g++-mingw-w64-x86-64-posix wine wine64 "$@")
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
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
