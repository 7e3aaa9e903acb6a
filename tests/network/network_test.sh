#!/bin/bash
# Multi-host tests on real network mounts (see testbed.sh for the bed).
#   network_test.sh TOOL WORKER SCENARIO [ARGS...]
# TOOL is the uuid-filelock binary, WORKER tests' lock_worker. Exits 0 when
# the scenario passes, 77 (skipped) when this machine cannot run the bed,
# anything else on failure. Scenarios print what they measured.
set -euo pipefail
# Ends itself (TERM, so that the bed is taken down) well before CTest's own
# timeout, whose SIGKILL would leave sshd, the mounts and the hosts behind.
if [ -z "${NETWORK_TEST_TIMED:-}" ]; then
  NETWORK_TEST_TIMED=1 exec timeout --kill-after=20 "${NETWORK_TEST_TIMEOUT:-240}" "$0" "$@"
fi
TOOL=$1 WORKER=$2 SCENARIO=$3
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/testbed.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

# With caches off the witness and the counter of a stress run are on the
# shared mount: every host's exclusive mkdir goes through the network
# filesystem. With sshfs's default caching neither can be: a host may read a
# data file stale (its cached size and mtime, 1-second granularity, hide
# another host's rewrite: 34 of 1600 increments lost in one run, with the
# witness proving exclusion), and after a directory listing (a waiter's sweep
# of dead contenders' temporaries lists the directory) a host keeps every
# name it saw for 20 s, so its mkdir of a witness another host has already
# removed fails with EEXIST (a false "two holders" in 4 of 6 runs). No lock
# can prevent either: there witness and counter live on the served directory
# itself, exclusive and coherent for every host, so that the test measures
# the lock alone (docs/network-filesystems.md).
check_counter() {  # FILE EXPECTED
  local got
  got=$(cat "$1" 2>/dev/null || echo missing)
  [ "$got" = "$2" ] || fail "counter is $got, expected $2 (lost updates or a failed cycle)"
}

# Nothing but the files a test made itself may be left: no lock, no
# temporary or marker file. .fuse_hidden* files are libfuse's, not ours (a
# file removed on a client while another process of that client reads it):
# counted and reported (docs/network-filesystems.md).
check_clean() {  # DIR KEEP...
  local dir=$1
  shift
  local left hidden
  left=$(ls -A "$dir" | grep -v '^\.fuse_hidden' | grep -vxF -f <(printf '%s\n' "$@") || true)
  [ -z "$left" ] || fail "left behind in $dir: $left"
  hidden=$(ls -A "$dir" | grep -c '^\.fuse_hidden' || true)
  [ "$hidden" = 0 ] || echo "note: libfuse left $hidden .fuse_hidden files in $dir"
}

wait_for_file() {  # FILE SECONDS
  local i
  for i in $(seq $(($2 * 20))); do
    [ -e "$1" ] && return 0
    sleep 0.05
  done
  fail "$1 did not appear within $2 s"
}

# Host alpha takes the lock NAME in the share with `uuid-filelock run
# [RUN_OPTION...] LOCK -- sleep SECONDS`, in the background; returns once the
# lock file is there, with the host's pid (SIGKILL ends the host) in ALPHA.
alpha_holds() {  # NAME SECONDS [RUN_OPTION...]
  local name=$1 seconds=$2
  shift 2
  testbed_host alpha 1 "$TOOL" run "$@" "$A/$name" -- sleep "$seconds" &
  ALPHA=$!
  wait_for_file "$TESTBED_SHARED/$name" 10
}

two_hosts() {  # [MODE]
  testbed_sshfs alpha "${1:-uncached}"
  A=$TESTBED_MOUNT
  testbed_sshfs beta "${1:-uncached}"
  B=$TESTBED_MOUNT
}

# A heartbeating holder on host A is SIGKILLed with its whole host; host B
# takes the lock over within stale_after + 2 s.
heartbeat_crash() {
  two_hosts
  alpha_holds hb.lock 600 --heartbeat --stale-after 3
  sleep 2  # a few heartbeats
  kill -KILL "$ALPHA"
  wait "$ALPHA" 2>/dev/null || true
  local killed_at taken_at status=0
  killed_at=$(now_ms)
  (testbed_host beta 1 "$TOOL" run --timeout 15 --retry-interval 0.2 "$B/hb.lock" -- true) || status=$?
  taken_at=$(now_ms)
  [ "$status" = 0 ] || fail "host beta could not take the lock over: exit $status"
  echo "host beta took the crashed holder's lock over $((taken_at - killed_at)) ms after the kill (stale_after 3 s)"
  [ $((taken_at - killed_at)) -le 5000 ] || fail "later than stale_after + 2 s"
  check_clean "$TESTBED_SHARED"
}

# A heartbeating holder on host A alive for 5 x stale_after is never broken
# by host B, not even by one with a shorter stale_after.
heartbeat_alive() {  # [MODE] [STALE_AFTER]
  local stale_after=${2:-3}
  two_hosts "${1:-uncached}"
  alpha_holds al.lock $((5 * stale_after)) --heartbeat --stale-after "$stale_after"
  local tries=0 status
  while kill -0 "$ALPHA" 2>/dev/null; do
    status=0
    (testbed_host beta 1 "$TOOL" run --timeout 0 --stale-after 1 "$B/al.lock" -- true) 2>/dev/null || status=$?
    if kill -0 "$ALPHA" 2>/dev/null || [ "$status" = 75 ]; then
      [ "$status" = 75 ] || fail "host beta got the lock while alpha held it (exit $status)"
      tries=$((tries + 1))
    fi
    sleep 0.3
  done
  status=0
  wait "$ALPHA" || status=$?
  [ "$status" = 0 ] || fail "alpha's run exited $status: its lock was broken or lost"
  echo "host beta was refused $tries times in $((5 * stale_after)) s (5 x stale_after, sshfs ${1:-uncached}); alpha released normally"
  [ "$tries" -ge 10 ] || fail "too few attempts to prove anything"
  (testbed_host beta 1 "$TOOL" run --timeout 5 "$B/al.lock" -- true) || fail "beta cannot take the free lock"
  check_clean "$TESTBED_SHARED"
}

# Host A crashes holding a lock without heartbeat; host B must respect it
# (another host's holder might just hold long); A after a reboot knows its
# earlier boot's record is stale.
reboot() {
  two_hosts
  alpha_holds rb.lock 600
  kill -KILL "$ALPHA"
  wait "$ALPHA" 2>/dev/null || true
  local status=0
  (testbed_host beta 1 "$TOOL" run --timeout 2 --stale-after 1 "$B/rb.lock" -- true) || status=$?
  [ "$status" = 75 ] || fail "host beta broke another host's lock (exit $status)"
  status=0
  (testbed_host alpha 2 "$TOOL" run --timeout 5 "$A/rb.lock" -- true) || status=$?
  [ "$status" = 0 ] || fail "alpha after a reboot did not take its old record over (exit $status)"
  echo "the crashed holder's record: respected by host beta, stale for host alpha after its reboot"
  check_clean "$TESTBED_SHARED"
}

# A waiter SIGKILLed on host B leaves its temporary record (no O_TMPFILE on
# network filesystems); the next waiter of that host removes it, since its
# creator is certainly dead. Another host's temporaries are never touched.
killed_waiter() {
  two_hosts
  alpha_holds kw.lock 4
  local status=0
  (testbed_host beta 1 /bin/sh -c '
      "$1" run --retry-interval 0.1 "$2/kw.lock" -- true & waiter=$!
      sleep 1
      kill -KILL $waiter
      ls -A "$2" | grep -q "^\.uuid-filelock-.*\.tmp$" || exit 3
      "$1" run --retry-interval 0.1 --timeout 20 "$2/kw.lock" -- true' sh "$TOOL" "$B") ||
    status=$?
  [ "$status" != 3 ] || fail "the killed waiter left no temporary record to sweep"
  [ "$status" = 0 ] || fail "host beta's second waiter exited $status"
  wait "$ALPHA" || fail "alpha's run failed"
  check_clean "$TESTBED_SHARED"
  echo "a killed waiter's temporary record was removed by the next waiter of its host"
}

# `uuid-filelock run` loops on two hosts: every turn counted, no two turns
# overlapping in the log.
cli_serializes() {
  two_hosts
  local turns=25 h m pids=()
  for h in alpha beta; do
    m=$A
    [ "$h" = beta ] && m=$B
    testbed_host "$h" 1 /bin/sh -c 'for i in $(seq "$1"); do
        "$2" run --retry-interval 0.05 "$3/cli.lock" -- "$4" turn "$3/counter" "$3/witness" "$5/log.$i.'"$h"'" || exit $?
      done' sh "$turns" "$TOOL" "$m" "$WORKER" "$TESTBED_ROOT" &
    pids+=($!)
  done
  local status=0 pid
  for pid in "${pids[@]}"; do
    wait "$pid" || status=$?
  done
  [ "$status" = 0 ] || fail "a run exited with $status"
  check_counter "$TESTBED_SHARED/counter" $((2 * turns))
  check_clean "$TESTBED_SHARED" counter
  echo "uuid-filelock run on two hosts: $((2 * turns)) turns, none lost"
}

# HOSTS x PROCESSES x CYCLES lock/increment/unlock cycles, each host on its
# own mount; prints the throughput.
stress() {  # MODE(cached|uncached) HOSTS PROCESSES CYCLES VERIFY_DELAY_MS
  local mode=$1 hosts=$2 processes=$3 cycles=$4 delay=$5
  local mounts=() h p
  for h in $(seq "$hosts"); do
    testbed_sshfs "host$h" "$mode"
    mounts+=("$TESTBED_MOUNT")
  done
  local pids=() start end
  start=$(now_ms)
  for h in $(seq "$hosts"); do
    local m=${mounts[$((h - 1))]} data=$TESTBED_SHARED
    [ "$mode" = cached ] || data=$m
    for p in $(seq "$processes"); do
      testbed_host "host$h" 1 "$WORKER" net-cycles "$m/stress.lock" "$data/counter" "$data/witness" \
        "$cycles" "$delay" &
      pids+=($!)
    done
  done
  local status=0 pid
  for pid in "${pids[@]}"; do
    wait "$pid" || status=$?
  done
  end=$(now_ms)
  [ "$status" = 0 ] || fail "a worker exited with $status (3: two holders, 4: lock lost, 5: I/O, 6: lock error)"
  local total=$((hosts * processes * cycles))
  check_counter "$TESTBED_SHARED/counter" "$total"
  check_clean "$TESTBED_SHARED" counter
  echo "sshfs $mode: $hosts hosts x $processes processes x $cycles cycles = $total in $((end - start)) ms," \
    "$(awk -v n=$total -v ms=$((end - start)) 'BEGIN { printf "%.1f", n * 1000 / ms }') cycles/s, verify delay $delay ms"
}

# Double-holder rounds out of ROUNDS on two rclone mounts, whose O_EXCL is
# not exclusive across mounts: each round both hosts try the lock at the
# same instant; a local witness catches both inside at once.
rclone_race() {  # ROUNDS VERIFY_DELAY_MS [CACHE_MODE]
  local rounds=$1 delay=$2 cache=${3:-off}
  testbed_rclone r1 "$cache"
  local r1=$TESTBED_MOUNT
  testbed_rclone r2 "$cache"
  local r2=$TESTBED_MOUNT
  local witness=$TESTBED_ROOT/witness double=0 none=0 lost=0 failed=0 round
  for round in $(seq "$rounds"); do
    local start=$(($(now_ms) + 150)) a=0 b=0
    "$WORKER" net-race "$r1/race.lock" "$witness" "$delay" "$start" 300 &
    local pa=$!
    "$WORKER" net-race "$r2/race.lock" "$witness" "$delay" "$start" 300 &
    local pb=$!
    wait $pa || a=$?
    wait $pb || b=$?
    case "$a$b" in
      01 | 10) ;;
      11) none=$((none + 1)) ;;
      *3*) double=$((double + 1)) ;;
      *4*) lost=$((lost + 1)) ;;
      *) failed=$((failed + 1)) ;;
    esac
    # Each round starts from a free lock.
    local i
    for i in $(seq 100); do
      [ -e "$TESTBED_SHARED/race.lock" ] || break
      sleep 0.05
    done
  done
  echo "rclone (cache mode $cache): $double double-holder rounds, $lost rounds whose winner" \
    "found its record overwritten at release, $failed rounds with a lock error, $none rounds" \
    "nobody won, of $rounds; verify delay $delay ms"
  RCLONE_DOUBLE=$double
}

needs=()
[ "$SCENARIO" = rclone-race ] && needs=(rclone)
testbed_require "${needs[@]}"
testbed_up
case "$SCENARIO" in
  stress)
    stress "$@"
    ;;
  heartbeat-crash) heartbeat_crash ;;
  heartbeat-alive) heartbeat_alive "$@" ;;
  reboot) reboot ;;
  killed-waiter) killed_waiter ;;
  cli-serializes) cli_serializes ;;
  rclone-race)
    # A measurement, not a test (docs/network-filesystems.md).
    rclone_race "$@"
    ;;
  *)
    fail "unknown scenario $SCENARIO"
    ;;
esac
