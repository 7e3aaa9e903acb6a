#!/usr/bin/env bash
# Runs a Windows executable under Wine in the project's own Wine prefix
# (never ~/.wine), quietly. CTest uses it as CMAKE_CROSSCOMPILING_EMULATOR.
#   scripts/wine-run.sh PROGRAM.exe [ARGS...]
#   scripts/wine-run.sh --start   creates the prefix if needed and keeps one
#                                 wineserver running, so each test process
#                                 starts in ~50 ms instead of ~2 s
#   scripts/wine-run.sh --stop    stops that wineserver and every process in it
set -euo pipefail

export WINEPREFIX="${UUID_FILELOCK_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/uuid-filelock/wine}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"  # no Mono/Gecko prompts
wine=$(command -v wine)

case "${1:-}" in
  --start)
    mkdir -p "$WINEPREFIX"
    # Not given our stdout/stderr: the persistent server outlives this script
    # and would keep a caller's pipe (CTest's) open. Fails harmlessly when a
    # server already runs for this prefix.
    wineserver -p >/dev/null 2>&1 </dev/null || true
    "$wine" wineboot --init >/dev/null 2>&1 </dev/null || true
    ;;
  --stop)
    wineserver -k 2>/dev/null || true
    ;;
  *)
    exec "$wine" "$@"
    ;;
esac
