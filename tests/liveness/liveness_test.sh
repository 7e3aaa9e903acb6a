#!/bin/bash
# Liveness under conditions where a live holder is easy to misjudge dead:
# hardened /proc, namespaces, other locking programs, a killed tool.
#   liveness_test.sh TOOL SCENARIO
# TOOL is the uuid-filelock binary. Exits 0 when the scenario passes, 77
# (skipped, the reason printed) when this machine cannot run it, 1 when a
# check failed (every check is printed, "ok:" or "FAIL:").
#
# Each scenario lets a holder run COMMAND under the lock while a contender
# tries to take it, and both write to a witness file: the lock held means
# the lines come in pairs (A-in, A-out, B-in, B-out), never interleaved.
#   hidepid         /proc mounted hidepid=2: the holder is another user's
#                   process the contender cannot see in /proc
#   time-namespace  the holder (then the contender) in a time namespace whose
#                   boot clock is 3600 s ahead: start times read differently
#   pid-namespace   both in a pid namespace that did not mount its own /proc:
#                   /proc/<pid> there is another process
#   other-lockers   the path held by util-linux flock(1), Python filelock's
#                   FileLock and an fcntl (lockf) holder, each on an empty
#                   file an hour old; and flock(1) against our held lock
#   killed-tool     100 rounds: the tool is SIGKILLed while COMMAND runs and
#                   a second run starts at once; it must wait for COMMAND
#
# As root only (namespaces, mounts, setpriv). Everything happens under one
# mktemp -d scratch directory; every process started is killed and waited
# for (an EXIT trap).
set -euo pipefail
[ $# = 2 ] || { echo "usage: $0 TOOL SCENARIO" >&2; exit 64; }
TOOL=$(realpath -- "$1") SCENARIO=$2

SKIP=77
skip() { echo "SKIP: $*"; exit $SKIP; }
[ "$(uname -s)" = Linux ] || skip "Linux only (namespaces, /proc)"
[ "$(id -u)" = 0 ] || skip "needs root: namespaces, mounts, other users"
for t in unshare setpriv flock timeout mount; do
  command -v "$t" >/dev/null 2>&1 || skip "not installed: $t"
done
[ -x "$TOOL" ] || { echo "FAIL: no tool at $TOOL" >&2; exit 1; }

CHECKS=0
FAILS=0
ok() { CHECKS=$((CHECKS + 1)); echo "  ok: $*"; }
bad() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "  FAIL: $*"; }
die() { echo "FAIL (setup): $*" >&2; exit 1; }

SCRATCH=$(mktemp -d /tmp/ufl-liveness.XXXXXX)
chmod 1777 "$SCRATCH"
BG_PIDS=()
cleanup() {
  local pid
  for pid in "${BG_PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf -- "$SCRATCH"
}
trap cleanup EXIT

LOCK=$SCRATCH/app.lock
WITNESS=$SCRATCH/witness
: >"$WITNESS"
chmod 666 "$WITNESS"

# A command that records its turn: NAME-in, a pause, NAME-out.
turn() {  # NAME SECONDS
  echo "sh -c 'echo $1-in >>$WITNESS; sleep $2; echo $1-out >>$WITNESS'"
}

# Starts a background job in its own process group (killed at the end).
background() {
  setsid "$@" &
  BG_PIDS+=("$!")
}

wait_for_line() {  # LINE
  local i
  for i in $(seq 1 200); do
    grep -qx -- "$1" "$WITNESS" && return 0
    sleep 0.05
  done
  die "\"$1\" never appeared in the witness"
}

# The witness as one line, e.g. "A-in A-out B-in B-out".
witness_line() { tr '\n' ' ' <"$WITNESS" | sed 's/ $//'; }

expect_turns() {  # WHAT EXPECTED
  local seen
  seen=$(witness_line)
  if [ "$seen" = "$2" ]; then ok "$1: $seen"; else bad "$1: witness \"$seen\", expected \"$2\""; fi
}

# A holder runs NAME's turn with the given prefix (a user, a namespace);
# once it is in, a contender runs its own; both must take turns.
holder_then_contender() {  # WHAT "HOLDER PREFIX" "CONTENDER PREFIX"
  : >"$WITNESS"
  rm -f -- "$LOCK"
  background timeout 30 $2 "$TOOL" run --no-advisory "$LOCK" -- sh -c "echo holder-in >>$WITNESS; sleep 2; echo holder-out >>$WITNESS"
  wait_for_line holder-in
  timeout 30 $3 "$TOOL" run --no-advisory --retry-interval 0.2 "$LOCK" -- \
    sh -c "echo contender-in >>$WITNESS; echo contender-out >>$WITNESS" ||
    bad "$1: the contender's run failed ($?)"
  wait "${BG_PIDS[-1]}" || bad "$1: the holder's run failed"
  expect_turns "$1" "holder-in holder-out contender-in contender-out"
}

scenario_hidepid() {
  # A private mount namespace with its own /proc, hiding other users'
  # processes (hidepid=2); the holder and the contender are two users.
  unshare -m true 2>/dev/null || skip "cannot make a mount namespace here"
  local inner="$SCRATCH/inner.sh"
  cat >"$inner" <<EOF
set -e
mount --make-rprivate /
mount -t proc -o hidepid=2 proc /proc
$(declare -f background wait_for_line witness_line expect_turns holder_then_contender ok bad die)
TOOL='$TOOL' LOCK='$LOCK' WITNESS='$WITNESS' CHECKS=0 FAILS=0 BG_PIDS=()
holder_then_contender "hidepid=2, holder uid 65534, contender uid 65533" \
  "setpriv --reuid=65534 --regid=65534 --clear-groups --" \
  "setpriv --reuid=65533 --regid=65533 --clear-groups --"
exit \$FAILS
EOF
  if unshare -m --fork bash "$inner"; then ok "hidepid scenario"; else bad "hidepid scenario"; fi
}

scenario_time_namespace() {
  unshare --time --boottime 3600 --fork true 2>/dev/null ||
    skip "no time namespaces here (Linux 5.6+, util-linux 2.36+)"
  local shifted="unshare --time --boottime 3600 --fork"
  holder_then_contender "holder in a time namespace 3600 s ahead" "$shifted" ""
  holder_then_contender "contender in a time namespace 3600 s ahead" "" "$shifted"
}

scenario_pid_namespace() {
  unshare --pid --fork true 2>/dev/null || skip "cannot make a pid namespace here"
  local inner="$SCRATCH/inner.sh"
  # Without --mount-proc: /proc still shows the outer namespace.
  cat >"$inner" <<EOF
set -e
$(declare -f background wait_for_line witness_line expect_turns holder_then_contender ok bad die)
TOOL='$TOOL' LOCK='$LOCK' WITNESS='$WITNESS' CHECKS=0 FAILS=0 BG_PIDS=()
# Pids are used up until the next few are free in the outer namespace too:
# the holder's /proc/<pid> there is then missing, not merely someone else's.
last=1
for i in \$(seq 1 5000); do
  /bin/true & last=\$!; wait
  free=1
  for next in 1 2 3 4 5 6; do [ ! -e /proc/\$((last + next)) ] || free=0; done
  [ \$free = 0 ] || break
done
holder_then_contender "both in a pid namespace without its own /proc (pids from \$last)" "" ""
exit \$FAILS
EOF
  if unshare --pid --fork bash "$inner"; then ok "pid namespace scenario"; else bad "pid namespace scenario"; fi
}

# Another program holds the path for 2 s on an empty file an hour old (an
# abandoned record of ours would be broken at once); ours must wait, and
# take the lock within a second after the other lets go.
other_program_then_ours() {  # WHAT COMMAND...
  local what=$1
  shift
  : >"$WITNESS"
  rm -f -- "$LOCK"
  : >"$LOCK"
  touch -d '1 hour ago' "$LOCK"
  background timeout 30 "$@"
  wait_for_line other-in
  timeout 30 "$TOOL" run --retry-interval 0.2 "$LOCK" -- \
    sh -c "date +%s%N >$SCRATCH/ours-at; echo ours-in >>$WITNESS; echo ours-out >>$WITNESS" ||
    bad "$what: our run failed"
  wait "${BG_PIDS[-1]}" || bad "$what: the other program failed"
  expect_turns "$what" "other-in other-out ours-in ours-out"
  local delay_ms=$((($(cat "$SCRATCH/ours-at") - $(cat "$SCRATCH/other-out-at")) / 1000000))
  if [ "$delay_ms" -le 1000 ]; then ok "$what: ours entered $delay_ms ms after it let go"; else
    bad "$what: ours entered $delay_ms ms after it let go (more than 1 s)"
  fi
}

scenario_other_lockers() {
  local hold="echo other-in >>$WITNESS; sleep 2; date +%s%N >$SCRATCH/other-out-at; echo other-out >>$WITNESS"
  other_program_then_ours "util-linux flock(1)" flock "$LOCK" sh -c "$hold"
  local python=/usr/bin/python3
  if "$python" -c 'import filelock' 2>/dev/null; then
    other_program_then_ours "Python filelock FileLock" "$python" -c "
import filelock, subprocess, sys
with filelock.FileLock(sys.argv[1]):
    subprocess.run(['sh', '-c', sys.argv[2]], check=True)" "$LOCK" "$hold"
  else
    bad "Python filelock: /usr/bin/python3 cannot import filelock (Debian: python3-filelock)"
  fi
  other_program_then_ours "an fcntl (lockf) holder" "$python" -c "
import fcntl, os, subprocess, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
subprocess.run(['sh', '-c', sys.argv[2]], check=True)" "$LOCK" "$hold"

  # The other direction: while ours holds the lock with its advisory lock
  # (the fast path, where this build has it), flock(1) cannot take it.
  rm -f -- "$LOCK"
  : >"$WITNESS"
  background timeout 30 "$TOOL" run "$LOCK" -- sh -c "echo ours-in >>$WITNESS; sleep 3"
  wait_for_line ours-in
  if grep -qx 'advisory=1' "$LOCK"; then
    if flock -n "$LOCK" true; then bad "flock(1) took the path while ours held it"; else
      ok "flock(1) -n is refused while ours holds the lock"
    fi
  else
    echo "  (this build or filesystem has no advisory fast path: flock(1) does not see our lock)"
  fi
  { kill -KILL -- "-${BG_PIDS[-1]}" && wait "${BG_PIDS[-1]}"; } 2>/dev/null || true
}

scenario_killed_tool() {
  local rounds=${KILLED_TOOL_ROUNDS:-100} round overlaps=0 delays=()
  for round in $(seq 1 "$rounds"); do
    : >"$WITNESS"
    rm -f -- "$LOCK"
    background "$TOOL" run "$LOCK" -- \
      sh -c "echo first-in >>$WITNESS; sleep 0.3; date +%s%N >$SCRATCH/first-out-at; echo first-out >>$WITNESS"
    local tool_pid=${BG_PIDS[-1]}
    wait_for_line first-in
    kill -KILL "$tool_pid"
    { wait "$tool_pid"; } 2>/dev/null || true
    timeout 30 "$TOOL" run --retry-interval 0.02 "$LOCK" -- \
      sh -c "date +%s%N >$SCRATCH/second-at; echo second-in >>$WITNESS; echo second-out >>$WITNESS" ||
      bad "round $round: the second run failed"
    if [ "$(witness_line)" != "first-in first-out second-in second-out" ]; then
      overlaps=$((overlaps + 1))
      echo "  round $round: witness \"$(witness_line)\""
    else
      delays+=($((($(cat "$SCRATCH/second-at") - $(cat "$SCRATCH/first-out-at")) / 1000000)))
    fi
  done
  if [ "$overlaps" = 0 ]; then ok "$rounds rounds of kill -9 on the tool mid-COMMAND: no overlap"; else
    bad "$overlaps of $rounds rounds overlapped"
  fi
  if [ ${#delays[@]} -gt 0 ]; then
    local sorted
    sorted=$(printf '%s\n' "${delays[@]}" | sort -n)
    echo "  takeover after COMMAND exited (ms): median $(sed -n "$(((${#delays[@]} + 1) / 2))p" <<<"$sorted")," \
      "max $(tail -1 <<<"$sorted")"
  fi
}

case $SCENARIO in
  hidepid) scenario_hidepid ;;
  time-namespace) scenario_time_namespace ;;
  pid-namespace) scenario_pid_namespace ;;
  other-lockers) scenario_other_lockers ;;
  killed-tool) scenario_killed_tool ;;
  *) echo "unknown scenario: $SCENARIO" >&2; exit 64 ;;
esac
echo "$SCENARIO: $CHECKS checks, $FAILS failed"
[ "$FAILS" = 0 ]
