#!/usr/bin/env bash
# Installs, with apt-get, whichever of the build and test prerequisites are
# missing on a Debian/Ubuntu machine. Does nothing when all are present.
#   scripts/install-deps.sh [EXTRA_PACKAGE...]
set -euo pipefail

packages=(cmake ninja-build g++ clang libboost-dev libgtest-dev libgmock-dev libbenchmark-dev "$@")
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
