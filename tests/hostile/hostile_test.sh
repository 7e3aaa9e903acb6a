#!/bin/bash
# Hostile-directory tests: lock directories shared with other users.
#   hostile_test.sh TOOL WORKER SCENARIO
# TOOL is the uuid-filelock binary, WORKER tests' lock_worker (used for a pid
# that certainly belongs to no process). Exits 0 when the scenario passes, 77
# (skipped, the reason printed) when this machine cannot run it, 1 when a
# check failed (every check is printed, "ok:" or "FAIL:").
#
# The threat: a lock directory other users can write to -- a sticky
# world-writable one (mode 1777, like /tmp) and a group-writable setgid one
# (mode 2775, group ufl-share, like /var/lock/APP) -- where an attacker
# (ufl-mallory, a member of ufl-share) plants whatever its permissions allow
# at any name the library uses: the lock path, temporaries
# (.uuid-filelock-UUID.tmp), the break-marker names earlier versions used and
# anyone can compute (.uuid-filelock-DEV-INO.break), .broken / .released
# names; and races the victims: root and ordinary users
# (ufl-alice, ufl-bob).
#
# As root only: the users and the group are created if missing (and removed
# at the end, only those this run created), everything happens under one
# mktemp -d scratch directory, every process started is killed and waited
# for, every mount unmounted (an EXIT trap).
set -euo pipefail
# Ends itself (TERM, so that the cleanup runs) before CTest's TIMEOUT 120,
# whose SIGKILL would leave users, processes and mounts behind.
if [ -z "${HOSTILE_TEST_TIMED:-}" ]; then
  HOSTILE_TEST_TIMED=1 exec timeout --kill-after=12 "${HOSTILE_TEST_TIMEOUT:-100}" "$0" "$@"
fi
[ $# = 3 ] || { echo "usage: $0 TOOL WORKER SCENARIO" >&2; exit 64; }
TOOL_BUILT=$(realpath -- "$1") WORKER_BUILT=$(realpath -- "$2") SCENARIO=$3

SKIP=77  # CTest's SKIP_RETURN_CODE for these tests
skip() { echo "SKIP: $*"; exit $SKIP; }

[ "$(uname -s)" = Linux ] || skip "Linux only (useradd, setpriv, /proc)"
[ "$(id -u)" = 0 ] || skip "needs root: creates the users ufl-mallory, ufl-alice, ufl-bob and the group ufl-share"
missing=()
for t in useradd userdel groupadd groupdel getent setpriv setsid timeout flock mkfifo sha256sum stat find dd; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
[ "$SCENARIO" != full-filesystem ] || command -v mount >/dev/null 2>&1 || missing+=(mount)
# Mallory's forging loop runs as her: a python3 every user can run (root's
# PATH may lead to one under /root).
PYTHON=""
if [ "$SCENARIO" = exclusion ]; then
  for PYTHON in /usr/bin/python3 /usr/local/bin/python3 ""; do
    [ -z "$PYTHON" ] || ! setpriv --reuid=65534 --regid=65534 --clear-groups -- "$PYTHON" -c '' 2>/dev/null || break
  done
  [ -n "$PYTHON" ] || missing+=("python3 (in /usr/bin or /usr/local/bin)")
fi
[ ${#missing[@]} = 0 ] || skip "not installed: ${missing[*]}"
[ -x "$TOOL_BUILT" ] || { echo "FAIL: no tool at $TOOL_BUILT" >&2; exit 1; }
[ -x "$WORKER_BUILT" ] || { echo "FAIL: no lock_worker at $WORKER_BUILT" >&2; exit 1; }

# Users and groups are machine-wide: one run of this suite at a time, also
# across build directories (the lock is this script's own file: nothing is
# left behind).
exec 9<"$0"
flock -w 60 9 || { echo "FAIL: another hostile test kept running for 60 s" >&2; exit 1; }

SHARE_GROUP=ufl-share
TEST_USERS=(ufl-mallory ufl-alice ufl-bob)
CREATED_USERS=()
CREATED_GROUPS=()
BG_PGIDS=()  # process groups started here (setsid): killed at the end
MOUNTS=()
SCRATCH=""
CHECKS=0
FAILS=0

now_ms() { date +%s%3N; }
ok() { CHECKS=$((CHECKS + 1)); echo "  ok: $*"; }
bad() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "  FAIL: $*"; }
# A setup step that failed: the scenario cannot go on.
die() { echo "FAIL (setup): $*" >&2; exit 1; }
section() { echo "-- $*"; }

# Processes of a user this run created, ended by pid. A safety net: every
# process started here is also killed by its process group.
kill_user_processes() {  # USER
  local uid pid
  uid=$(id -u "$1" 2>/dev/null) || return 0
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    if awk -v uid="$uid" '/^Uid:/ { exit !($2 == uid) }' "/proc/$pid/status" 2>/dev/null; then
      echo "cleanup: killing leftover pid $pid of $1" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# start_bg COMMAND...: COMMAND in its own process group (setsid; its pid is
# the group's id, left in BG), killed at the end unless reaped before.
start_bg() {
  setsid "$@" &
  BG=$!
  BG_PGIDS+=("$BG")
}

# reap PID: waits for a job of start_bg, its status left in REAPED; its group
# id is forgotten (it may be reused once the group is gone).
reap() {
  local kept=() pgid
  REAPED=0
  wait "$1" 2>/dev/null || REAPED=$?
  for pgid in "${BG_PGIDS[@]}"; do
    [ "$pgid" = "$1" ] || kept+=("$pgid")
  done
  BG_PGIDS=("${kept[@]}")
}

cleanup() {
  local status=$? pgid m u g i
  # A second INT or TERM must not cut the cleanup short.
  trap '' INT TERM
  for pgid in "${BG_PGIDS[@]}"; do
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done
  for pgid in "${BG_PGIDS[@]}"; do
    wait "$pgid" 2>/dev/null || true
  done
  for m in "${MOUNTS[@]}"; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
      { echo "cleanup: cannot unmount $m" >&2; status=1; }
  done
  # Never deletes through a mount that is still there.
  if [ -n "$SCRATCH" ] && ! grep -q " $SCRATCH/" /proc/mounts; then
    rm -rf --one-file-system "$SCRATCH"
  fi
  for u in "${CREATED_USERS[@]}"; do
    for i in 1 2 3; do
      userdel "$u" 2>/dev/null && break
      kill_user_processes "$u"
      sleep 0.2
    done
    ! getent passwd "$u" >/dev/null || { echo "cleanup: cannot remove user $u" >&2; status=1; }
  done
  for g in "${CREATED_GROUPS[@]}"; do
    if getent group "$g" >/dev/null; then
      groupdel "$g" 2>/dev/null || { echo "cleanup: cannot remove group $g" >&2; status=1; }
    fi
  done
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_group() {  # NAME
  getent group "$1" >/dev/null && return 0
  groupadd --system "$1" || die "groupadd $1"
  CREATED_GROUPS+=("$1")
}

ensure_user() {  # NAME
  getent passwd "$1" >/dev/null && return 0
  local group_option=(--user-group)
  if getent group "$1" >/dev/null; then
    group_option=(--gid "$1")
  else
    # useradd --user-group makes it; userdel usually removes it again.
    CREATED_GROUPS+=("$1")
  fi
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    "${group_option[@]}" "$1" || die "useradd $1"
  CREATED_USERS+=("$1")
}

ensure_group "$SHARE_GROUP"
for u in "${TEST_USERS[@]}"; do ensure_user "$u"; done
SHARE_GID=$(getent group "$SHARE_GROUP" | cut -d: -f3)
declare -A UID_OF GID_OF
for u in "${TEST_USERS[@]}"; do
  UID_OF[$u]=$(id -u "$u")
  GID_OF[$u]=$(id -g "$u")
done

# AS=(...): the prefix that runs a command as WHO (root: nothing). Every test
# user is a member of ufl-share, the attacker included.
as_prefix() {  # WHO
  AS=()
  [ "$1" = root ] ||
    AS=(setpriv "--reuid=${UID_OF[ufl-$1]}" "--regid=${GID_OF[ufl-$1]}" "--groups=$SHARE_GID" --)
}
as() {  # WHO COMMAND...
  as_prefix "$1"
  shift
  "${AS[@]}" "$@"
}

# Mallory plants a special file at PATH: a FIFO, a directory with a file of
# hers inside, or a symlink to TARGET.
plant() {  # fifo|directory|symlink PATH TARGET
  case $1 in
    fifo) as mallory mkfifo -m 644 "$2" ;;
    directory)
      as mallory mkdir "$2"
      as mallory touch "$2/mallory-inside"
      ;;
    symlink) as mallory ln -s "$3" "$2" ;;
    *) die "plant: unknown kind $1" ;;
  esac
}

SCRATCH=$(mktemp -d /tmp/uuid-filelock-hostile.XXXXXX)
chmod 755 "$SCRATCH"
cd "$SCRATCH"
# The binaries where every test user can run them, whatever the build
# directory's permissions.
mkdir -m 755 "$SCRATCH/bin"
install -m 755 "$TOOL_BUILT" "$SCRATCH/bin/uuid-filelock"
install -m 755 "$WORKER_BUILT" "$SCRATCH/bin/lock_worker"
TOOL=$SCRATCH/bin/uuid-filelock
WORKER=$SCRATCH/bin/lock_worker
LOG=$SCRATCH/log
mkdir -m 700 "$LOG"

STICKY=$SCRATCH/sticky  # like /tmp
SHARED=$SCRATCH/shared  # like /var/lock/APP
mkdir "$STICKY" "$SHARED"
chmod 1777 "$STICKY"
chgrp "$SHARE_GROUP" "$SHARED"
chmod 2775 "$SHARED"
DIRS=("$SHARED" "$STICKY")
dir_kind() {  # DIR
  case $1 in
    "$STICKY") echo "sticky 1777 dir" ;;
    "$SHARED") echo "setgid 2775 group dir" ;;
    *) echo "$1" ;;
  esac
}

# Empties a test directory between cases (no process uses it then).
reset_dir() {  # DIR
  find "$1" -mindepth 1 -delete
}

# ---- running the tool ---------------------------------------------------

# call WHO SECONDS ARG...: the tool as WHO, killed after SECONDS (exit 124:
# hung); leaves RC, MS (elapsed), LAST (the command) and the output in
# $LOG/out and $LOG/err.
call() {
  local who=$1 secs=$2 start
  shift 2
  as_prefix "$who"
  LAST="$who: uuid-filelock $*"
  start=$(now_ms)
  RC=0
  timeout -k 2 "$secs" "${AS[@]}" "$TOOL" "$@" >"$LOG/out" 2>"$LOG/err" </dev/null || RC=$?
  MS=$(($(now_ms) - start))
}

# call_words WHO SECONDS "SUBCOMMAND [OPTION...]" ARG...: call, with the
# subcommand and its options given as one string.
call_words() {
  local who=$1 secs=$2 words
  read -ra words <<<"$3"
  shift 3
  call "$who" "$secs" "${words[@]}" "$@"
}

rc_text() {  # STATUS
  case $1 in
    124) echo "hung (killed by timeout, exit 124)" ;;
    137) echo "hung (SIGKILLed by timeout, exit 137)" ;;
    139) echo "crashed (SIGSEGV, exit 139)" ;;
    134) echo "crashed (SIGABRT, exit 134)" ;;
    135) echo "crashed (SIGBUS, exit 135)" ;;
    *) echo "exit $1" ;;
  esac
}

stderr_excerpt() { head -c 400 "$LOG/err" | tr '\n\033' '|^'; }

# No sanitizer report, whatever the exit status.
no_sanitizer_report() {
  if grep -qE 'runtime error:|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer' "$LOG/err"; then
    bad "$LAST: sanitizer report: $(stderr_excerpt)"
  fi
}

# expect_rc WANT WHAT: the last call exited exactly WANT.
expect_rc() {
  if [ "$RC" = "$1" ]; then
    ok "$2: exit $RC ($MS ms)"
  else
    bad "$2: $(rc_text "$RC") after $MS ms, expected exit $1 [$LAST]; stderr: $(stderr_excerpt)"
  fi
  no_sanitizer_report
}

expect_stdout() {  # TEXT WHAT
  local got
  got=$(cat "$LOG/out")
  if [ "$got" = "$1" ]; then ok "$2: prints \"$1\""; else bad "$2: printed \"$got\", expected \"$1\" [$LAST]"; fi
}

expect_stderr() {  # EXTENDED_REGEX WHAT
  if grep -Eqi -- "$1" "$LOG/err"; then
    ok "$2"
  else
    bad "$2: stderr does not match /$1/ [$LAST]; stderr: $(stderr_excerpt)"
  fi
}

expect_within() {  # MS WHAT
  if [ "$MS" -le "$1" ]; then ok "$2: $MS ms (limit $1 ms)"; else bad "$2: took $MS ms, limit $1 ms [$LAST]"; fi
}

# The scenario's own deadline, before the script's: cases not started are
# reported as failures instead of the whole scenario being cut off without a
# summary.
SCENARIO_BUDGET=${HOSTILE_SCENARIO_BUDGET:-75}
out_of_time() {
  if [ "$SECONDS" -ge "$SCENARIO_BUDGET" ]; then
    bad "the remaining cases were not run: $SECONDS s used of the scenario's $SCENARIO_BUDGET s"
    return 0
  fi
  return 1
}

# ---- objects ------------------------------------------------------------

# One line saying what is at PATH (not following a symlink, never opening a
# FIFO): type, inode, mode, owner, links, size, mtime, and the content's hash,
# a symlink's target or a directory's entries.
snapshot() {  # PATH
  local p=$1 s
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then
    echo missing
    return
  fi
  s=$(stat -c '%F inode=%i mode=%a owner=%U:%G links=%h size=%s mtime=%y' "$p")
  case $s in
    "regular file"* | "regular empty file"*) s+=" sha256=$(sha256sum <"$p" | cut -c1-16)" ;;
    "symbolic link"*) s+=" -> $(readlink "$p")" ;;
    directory*) s+=" entries=[$(ls -A "$p" | tr '\n' ' ')]" ;;
  esac
  echo "$s"
}

expect_unchanged() {  # PATH SNAPSHOT WHAT
  local now
  now=$(snapshot "$1")
  if [ "$now" = "$2" ]; then
    ok "$3 untouched"
  else
    bad "$3 changed: before: $2; after: $now"
  fi
}

expect_missing() {  # PATH WHAT
  if [ -e "$1" ] || [ -L "$1" ]; then bad "$2 still there: $(snapshot "$1")"; else ok "$2 gone"; fi
}

# Nothing owned by WHO is left in DIR (no temporary, no marker, no lock).
expect_nothing_of() {  # WHO DIR [EXCEPT_NAME]
  local owner=$1 left
  [ "$owner" = root ] || owner=ufl-$owner
  left=$(find "$2" -mindepth 1 -user "$owner" ! -name "${3:-/}" -printf '%P ' 2>/dev/null || true)
  if [ -z "$left" ]; then ok "nothing of $1's left in the $(dir_kind "$2")"; else bad "$1 left behind in the $(dir_kind "$2"): $left"; fi
}

# A pid no process has: a process that has exited and been reaped.
dead_pid() {
  local pid
  "$WORKER" exit 0 &
  pid=$!
  wait "$pid" || true
  [ ! -e "/proc/$pid" ] || die "pid $pid still exists"
  echo "$pid"
}

rfc3339_now() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }

BOOT_ID=$(cat /proc/sys/kernel/random/boot_id)
MACHINE_ID=$(cat /etc/machine-id 2>/dev/null || true)
PIDNS=$(readlink /proc/self/ns/pid)
HOST=$(uname -n)

# A version-1 record (docs/protocol.md, "Record format") of a holder of this host and
# boot that is dead: its pid belongs to no process (and a start time no
# process has, should the pid be reused), advisory=0 so that only the pid
# judges it.
# With MACHINE and BOOT, another machine's record instead (alive: it may
# just hold long).
forged_record() {  # [PID [HOST [ACQUIRED_AT [MACHINE BOOT]]]]
  printf '%s\nformat=uuid-filelock/1\npid=%s\nstart=1\nhost=%s\nmachine=%s\nboot=%s\npidns=%s\nadvisory=0\nacquired_at=%s\n' \
    "$(cat /proc/sys/kernel/random/uuid)" "${1:-$(dead_pid)}" "${2:-$HOST}" "${4:-$MACHINE_ID}" \
    "${5:-$BOOT_ID}" "$PIDNS" "${3:-$(rfc3339_now)}"
}

# Mallory writes stdin to PATH (a new file of hers, mode 0644).
mallory_writes() {  # PATH
  as mallory sh -c 'umask 022 && cat >"$1"' sh "$1" || die "mallory cannot write $1"
}

# The old-style break marker name of the file at PATH: dev and inode in
# lower-case hex.
marker_of() {  # PATH
  local dev ino
  read -r dev ino < <(stat -c '%d %i' "$1")
  printf '%s/.uuid-filelock-%x-%x.break\n' "$(dirname "$1")" "$dev" "$ino"
}

wait_for_record() {  # PATH SECONDS
  local i
  for i in $(seq $(($2 * 20))); do
    [ -s "$1" ] && return 0
    sleep 0.05
  done
  return 1
}

# A genuinely crashed holder: WHO's `uuid-filelock run LOCK -- sleep 1000`
# SIGKILLed with its child once it holds the lock; its lock file stays.
crashed_holder() {  # WHO LOCK
  as_prefix "$1"
  start_bg "${AS[@]}" "$TOOL" run "$2" -- sleep 1000 >/dev/null 2>&1 </dev/null
  wait_for_record "$2" 10 || die "$1's run did not take $2 within 10 s"
  # (bash's "Killed" notice about the job is not news)
  {
    kill -KILL -- "-$BG"
    reap "$BG"
  } 2>/dev/null
  [ -f "$2" ] || die "the killed holder's lock file $2 is gone"
}

# ---- scenarios ----------------------------------------------------------

# Mallory forges a dead holder's record at the lock path and hard-links it to
# its own break marker name: the marker is the stale file itself.
marker_hardlink() {
  local case dir who lock marker cmd before_lock before_marker
  # Victim root in both directories with every command; alice where she
  # may remove mallory's file (the setgid dir) and where she may not (the
  # sticky dir). Few cases: a build that recurses into the marker takes
  # seconds to crash each time.
  for case in "$SHARED root run" "$SHARED root break" "$SHARED root break --force" \
    "$STICKY root run" "$SHARED alice run" "$STICKY alice run" "$STICKY alice break"; do
    read -r dir who cmd <<<"$case"
    out_of_time && return
    lock=$dir/hl.lock
    reset_dir "$dir"
    forged_record | mallory_writes "$lock"
    marker=$(marker_of "$lock")
    as mallory ln "$lock" "$marker" || die "mallory cannot hard-link $marker"
    before_lock=$(snapshot "$lock")
    before_marker=$(snapshot "$marker")
    section "$(dir_kind "$dir"), victim $who: \`$cmd\` on a forged dead record hard-linked to its break marker"
    if [ "$dir" = "$STICKY" ] && [ "$who" != root ]; then
      # The OS forbids alice to remove mallory's file: a prompt error.
      if [ "$cmd" = run ]; then
        call "$who" 15 run --timeout 2 "$lock" -- true
        expect_rc 74 "run --timeout 2"
        expect_within 2000 "run --timeout 2 ends promptly"
      else
        call_words "$who" 15 "$cmd" "$lock"
        expect_rc 74 "$cmd"
      fi
      expect_stderr 'permission|not permitted' "the error names permission"
      expect_unchanged "$lock" "$before_lock" "mallory's lock file"
      expect_unchanged "$marker" "$before_marker" "mallory's hard link at the marker name"
    else
      if [ "$cmd" = run ]; then
        call "$who" 15 run --timeout 5 "$lock" -- true
        expect_rc 0 "run --timeout 5"
      else
        call_words "$who" 15 "$cmd" "$lock"
        expect_rc 0 "$cmd"
        expect_stdout removed "$cmd"
      fi
      expect_missing "$lock" "the forged lock"
    fi
    expect_nothing_of "$who" "$dir"
  done
}

# Mallory plants objects at a crashed holder's break marker name.
planted_marker() {
  local dir who kind lock marker passwd_before i
  local kinds=(file fifo directory symlink)
  passwd_before=$(snapshot /etc/passwd)
  for dir in "${DIRS[@]}"; do
    for who in alice root; do
      out_of_time && return
      reset_dir "$dir"
      section "$(dir_kind "$dir"), victim $who: alice's crashed lock, mallory's objects at its break marker"
      declare -A before=() markers=()
      # One crashed lock per kind of planted object; `run` recovers them all
      # at once (each may take up to its --timeout), `break` another set.
      for round in run break; do
        for kind in "${kinds[@]}"; do
          lock=$dir/$kind-$round.lock
          crashed_holder alice "$lock"
          marker=$(marker_of "$lock")
          markers[$kind-$round]=$marker
          case $kind in
            file) echo "mallory's data, not a lock" | mallory_writes "$marker" ;;
            *) plant "$kind" "$marker" /etc/passwd ;;
          esac
          before[$kind-$round]=$(snapshot "$marker")
        done
      done
      local pids=()
      for kind in "${kinds[@]}"; do
        lock=$dir/$kind-run.lock
        as_prefix "$who"
        # --foreground: the tool stays in the job's process group.
        start_bg bash -c 'start=$(date +%s%3N); rc=0
          timeout --foreground -k 2 15 "${@:2}" >"$1.out" 2>"$1.err" </dev/null || rc=$?
          echo "$rc $(($(date +%s%3N) - start))" >"$1"' \
          job "$LOG/run-$kind" "${AS[@]}" "$TOOL" run --timeout 5 "$lock" -- true
        pids+=("$BG")
      done
      for i in "${pids[@]}"; do reap "$i"; done
      for kind in "${kinds[@]}"; do
        read -r RC MS <"$LOG/run-$kind" || die "no result of the run on $kind"
        cp "$LOG/run-$kind.err" "$LOG/err"
        LAST="$who: uuid-filelock run --timeout 5 $dir/$kind-run.lock -- true"
        expect_rc 0 "run --timeout 5 with a $kind at the marker name"
        expect_within 5000 "recovered within a few seconds"
        expect_missing "$dir/$kind-run.lock" "the crashed holder's lock"
        expect_unchanged "${markers[$kind-run]}" "${before[$kind-run]}" "mallory's $kind"
      done
      for kind in "${kinds[@]}"; do
        lock=$dir/$kind-break.lock
        call "$who" 10 break "$lock"
        expect_rc 0 "break with a $kind at the marker name"
        expect_stdout removed "break with a $kind at the marker name"
        expect_missing "$lock" "the crashed holder's lock"
        expect_unchanged "${markers[$kind-break]}" "${before[$kind-break]}" "mallory's $kind"
      done
      expect_unchanged /etc/passwd "$passwd_before" "/etc/passwd"
      expect_nothing_of "$who" "$dir"
    done
  done
}

# Files that are no lock at all at the lock path: never removed, never
# changed, reported as such.
not_a_lock_file() {
  local dir who what cmd lock before
  for dir in "${DIRS[@]}"; do
    for who in root alice; do
      lock=$dir/data.lock
      for what in "a copy of /etc/passwd" "a 16 MiB file" "100 bytes of binary garbage"; do
        out_of_time && return
        section "$(dir_kind "$dir"), victim $who: $what (2 minutes old) at the lock path"
        for cmd in "run --timeout 1" status break "break --force"; do
          reset_dir "$dir"
          case $what in
            *passwd) mallory_writes "$lock" </etc/passwd ;;
            *MiB*) head -c $((16 << 20)) /dev/zero | tr '\0' 'x' | mallory_writes "$lock" ;;
            *garbage) head -c 100 /dev/urandom | mallory_writes "$lock" ;;
          esac
          touch -h -d '-2 min' "$lock"
          before=$(snapshot "$lock")
          if [ "$cmd" = "run --timeout 1" ]; then
            call "$who" 10 run --timeout 1 "$lock" -- true
          else
            call_words "$who" 10 "$cmd" "$lock"
          fi
          expect_rc 74 "$cmd"
          expect_stderr 'not a lock file' "$cmd says \"not a lock file\""
          expect_unchanged "$lock" "$before" "$what"
        done
      done
      section "$(dir_kind "$dir"), victim $who: an empty file (1 minute old) at the lock path"
      reset_dir "$dir"
      mallory_writes "$lock" </dev/null
      touch -h -d '-1 min' "$lock"
      before=$(snapshot "$lock")
      call "$who" 10 break "$lock"
      if [ "$dir" = "$STICKY" ] && [ "$who" != root ]; then
        # The OS forbids alice to remove mallory's file.
        expect_rc 74 "break (alice may not remove mallory's file here)"
        expect_stderr 'permission|not permitted' "the error names permission"
        expect_unchanged "$lock" "$before" "the empty file"
      else
        expect_rc 0 "break"
        expect_stdout removed "break"
        expect_missing "$lock" "the empty file"
      fi
      expect_nothing_of "$who" "$dir"
    done
  done
}

# FIFOs, directories and symlinks: at the lock path an error at once,
# nothing followed or removed; at temporary and marker-like names, no
# disturbance at all.
special_files() {
  local dir who kind lock before target target_before name token
  local victim_root=$SCRATCH/victim-root.data victim_alice=$SCRATCH/victim-alice.data
  echo "root's precious data" >"$victim_root"
  chmod 600 "$victim_root"
  echo "alice's precious data" >"$victim_alice"
  chown ufl-alice: "$victim_alice"
  chmod 600 "$victim_alice"
  token=$(cat /proc/sys/kernel/random/uuid)
  for dir in "${DIRS[@]}"; do
    for who in root alice; do
      target=$victim_root
      [ "$who" = root ] || target=$victim_alice
      target_before=$(snapshot "$target")
      lock=$dir/special.lock
      for kind in fifo directory symlink; do
        out_of_time && return
        section "$(dir_kind "$dir"), victim $who: mallory's $kind at the lock path"
        local cmds=("run --timeout 1" status "status --json" break "break --force" "acquire --timeout 1" release)
        local cmd
        for cmd in "${cmds[@]}"; do
          reset_dir "$dir"
          plant "$kind" "$lock" "$target"
          before=$(snapshot "$lock")
          case $cmd in
            run*) call "$who" 10 run --timeout 1 "$lock" -- true ;;
            release) call "$who" 10 release "$lock" "$token" ;;
            *) call_words "$who" 10 "$cmd" "$lock" ;;
          esac
          expect_rc 74 "$cmd"
          expect_within 1500 "$cmd ends promptly"
          expect_unchanged "$lock" "$before" "mallory's $kind"
          expect_unchanged "$target" "$target_before" "$who's file the symlink points to"
        done
      done

      section "$(dir_kind "$dir"), victim $who: mallory's FIFOs, directories and symlinks at .tmp, .broken and .released names"
      reset_dir "$dir"
      declare -A planted=() planted_kind=()
      local suffix uuid
      for suffix in tmp broken released; do
        for kind in fifo directory symlink; do
          uuid=$(cat /proc/sys/kernel/random/uuid)
          case $suffix in
            released) name=$dir/.uuid-filelock-$(printf '%x-%x' $RANDOM $RANDOM).released ;;
            *) name=$dir/.uuid-filelock-$uuid.$suffix ;;
          esac
          plant "$kind" "$name" "$target"
          planted[$name]=$(snapshot "$name")
          planted_kind[$name]=$kind
        done
      done
      call "$who" 10 run --timeout 5 "$dir/plain.lock" -- true
      expect_rc 0 "run on a free lock among them"
      # A waiter sweeps dead contenders' temporaries: bob holds the lock for
      # a second, so that the victim waits (and sweeps).
      as_prefix bob
      start_bg "${AS[@]}" "$TOOL" run "$dir/plain.lock" -- sleep 1 >/dev/null 2>&1 </dev/null
      local holder=$BG
      wait_for_record "$dir/plain.lock" 10 || die "bob's run did not take the lock"
      call "$who" 10 run --timeout 5 --retry-interval 0.1 "$dir/plain.lock" -- true
      expect_rc 0 "run waiting behind bob among them"
      reap "$holder"
      [ "$REAPED" = 0 ] || bad "bob's run exited $REAPED"
      for name in "${!planted[@]}"; do
        expect_unchanged "$name" "${planted[$name]}" "mallory's ${planted_kind[$name]} $(basename "$name")"
      done
      expect_unchanged "$target" "$target_before" "$who's file the symlinks point to"
      expect_nothing_of "$who" "$dir"
      unset planted planted_kind
    done
  done
}

# A full filesystem: breaking a stale lock and releasing a detached one need
# no space, and leave nothing.
full_filesystem() {
  local mnt=$SCRATCH/full who token status
  mkdir "$mnt"
  mount -t tmpfs -o size=1m,mode=1777 uuid-filelock-hostile "$mnt" 2>"$LOG/mount.err" ||
    skip "cannot mount a tmpfs here: $(cat "$LOG/mount.err")"
  MOUNTS+=("$mnt")
  for who in root alice; do
    out_of_time && return
    section "a full tmpfs (1777), victim $who: break a stale lock, release a detached one"
    find "$mnt" -mindepth 1 -delete
    crashed_holder "$who" "$mnt/stale.lock"
    call "$who" 10 acquire --timeout 5 "$mnt/detached.lock"
    [ "$RC" = 0 ] || die "acquire failed: $(rc_text "$RC"): $(stderr_excerpt)"
    token=$(cat "$LOG/out")
    status=0
    dd if=/dev/zero of="$mnt/filler" bs=64k 2>"$LOG/dd.err" || status=$?
    [ "$status" != 0 ] && grep -q 'No space left' "$LOG/dd.err" || die "dd did not fill $mnt: $(cat "$LOG/dd.err")"
    if echo x >>"$mnt/filler" 2>/dev/null; then die "$mnt still takes data"; fi
    echo "  (filled: $(stat -c %s "$mnt/filler") bytes of filler)"
    call "$who" 10 break "$mnt/stale.lock"
    expect_rc 0 "break of the stale lock on the full filesystem"
    expect_stdout removed "break"
    call "$who" 10 release "$mnt/detached.lock" "$token"
    expect_rc 0 "release LOCK TOKEN of the detached lock on the full filesystem"
    local left
    left=$(find "$mnt" -mindepth 1 ! -name filler -printf '%P ')
    if [ -z "$left" ]; then ok "nothing left but the filler"; else bad "left behind on the full filesystem: $left"; fi
  done
}

# Three users' loops take turns on a counter while mallory keeps forging
# dead holders' records at the free lock name.
exclusion() {
  local dir=$SHARED lock=$SHARED/counter.lock counter=$SHARED/counter witness=$SHARED/witness
  local turns=30 loops=3 who l pids=() stop=$SCRATCH/stop-mallory status
  section "setgid 2775 group dir: alice, bob, root x $loops loops x $turns turns, mallory forging records meanwhile"
  reset_dir "$dir"
  # The tool has no --mode option: lock files get the library's default 0644.
  # That is enough in a group dir without the sticky bit: contenders need to
  # read the record (and flock it shared), removal is the directory's write
  # permission.
  echo 0 >"$counter"
  chmod 664 "$counter"  # group ufl-share (setgid directory)
  # Mallory (python3: a shell cannot retry link(2) fast enough to find the
  # lock free between two turns): a forged dead holder's record is linked at
  # the lock name whenever it is free (link fails if the name exists), and
  # after a moment, every other time, she breaks it herself with the tool --
  # removal only under the break marker, never by path: a plain `rm` in a
  # group-writable directory removes anyone's live lock, which no lock file
  # could prevent. The others are left for the victims to break.
  local dead
  dead=$(dead_pid)
  as_prefix mallory
  start_bg "${AS[@]}" "$PYTHON" -c '
import os, random, subprocess, sys, time, uuid
tool, lock, aux, stop, pid, host, machine, boot, pidns = sys.argv[1:10]
forged = broken = 0
while not os.path.exists(stop):
    with open(aux, "w") as f:
        f.write(f"{uuid.uuid4()}\nformat=uuid-filelock/1\npid={pid}\nstart=1\nhost={host}\n"
                f"machine={machine}\nboot={boot}\npidns={pidns}\nadvisory=0\n"
                "acquired_at=2026-01-01T00:00:00.000000Z\n")
    linked = False
    give_up = time.monotonic() + 0.05
    while not linked and time.monotonic() < give_up:
        try:
            os.link(aux, lock)
            linked = True
        except FileExistsError:
            time.sleep(0.0001)
    os.unlink(aux)
    if linked:
        forged += 1
        time.sleep(random.random() * 0.003)
        if random.random() < 0.5:
            subprocess.run(["timeout", "5", tool, "break", lock],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            broken += 1
print(forged, broken)' "$TOOL" "$lock" "$dir/.mallory-forge" "$stop" "$dead" "$HOST" \
    "$MACHINE_ID" "$BOOT_ID" "$PIDNS" >"$LOG/mallory.out" 2>"$LOG/mallory.err" </dev/null
  local mallory=$BG
  for who in alice bob root; do
    for l in $(seq "$loops"); do
      as_prefix "$who"
      # Each turn: mkdir witness (fails if two turns overlap), read, add one,
      # write, remove the witness. Every exit status is logged.
      start_bg "${AS[@]}" bash -c '
        tool=$1 lock=$2 counter=$3 witness=$4 turns=$5
        for i in $(seq "$turns"); do
          rc=0
          timeout --foreground -k 2 30 "$tool" run --timeout 25 --retry-interval 0.05 "$lock" -- \
            sh -c "mkdir \"\$1\" || exit 3; n=\$(cat \"\$2\"); echo \$((n + 1)) >\"\$2\"; rmdir \"\$1\"" \
            sh "$witness" "$counter" || rc=$?
          echo "$i $rc"
        done' turns "$TOOL" "$lock" "$counter" "$witness" "$turns" \
        >"$LOG/loop-$who-$l" 2>"$LOG/loop-$who-$l.err" </dev/null
      pids+=("$BG")
    done
  done
  local start
  start=$(now_ms)
  for l in "${pids[@]}"; do reap "$l"; done
  echo "  (the loops took $(($(now_ms) - start)) ms)"
  touch "$stop"
  reap "$mallory"
  status=$REAPED
  local forged broken
  read -r forged broken <"$LOG/mallory.out" || true
  [ "$status" = 0 ] && [ -n "$forged" ] || die "mallory's loop failed (exit $status): $(head -c 300 "$LOG/mallory.err")"
  if [ "$forged" -ge 10 ]; then
    ok "mallory got $forged forged records in (and broke $broken herself)"
  else
    bad "mallory got only $forged forged records in: the attack hardly happened"
  fi
  local failed
  failed=$(cat "$LOG"/loop-*-? | awk '$2 != 0' | wc -l)
  local total=$((3 * loops * turns)) done_turns
  done_turns=$(cat "$LOG"/loop-*-? | wc -l)
  [ "$done_turns" = "$total" ] || bad "only $done_turns of $total turns ran"
  if [ "$failed" = 0 ]; then
    ok "every one of $total runs exited 0"
  else
    local codes
    codes=$(cat "$LOG"/loop-*-? | awk '$2 != 0 { print $2 }' | sort | uniq -c | awk '{ printf "%s x exit %s; ", $1, $2 }')
    bad "$failed of $total runs failed: $codes(3: two turns overlapped; 124: hung; 139: crashed); stderr: $(cat "$LOG"/loop-*.err | sort | uniq -c | sort -rn | head -3 | tr '\n' '|')"
  fi
  local got
  got=$(cat "$counter")
  if [ "$got" = "$total" ]; then ok "counter is $got: no lost update"; else bad "counter is $got, expected $total"; fi
  # What is left: the counter, at most one forged record of mallory's.
  local left
  left=$(find "$dir" -mindepth 1 ! -name counter ! -user ufl-mallory -printf '%P ' || true)
  if [ -z "$left" ]; then ok "nothing left but the counter (and mallory's files)"; else bad "left behind: $left"; fi
}

# Records whose text holds terminal escapes, with mtimes far in the future
# and the past: reported without a crash and without the escapes.
forged_time_and_text() {
  local dir who variant mtime cmd lock esc=$'\033' dead
  dead=$(dead_pid)
  for dir in "${DIRS[@]}"; do
    for who in root alice; do
      lock=$dir/text.lock
      for variant in "another machine's record, escapes in host and acquired_at" \
        "this host's record, dead pid, escapes in acquired_at"; do
        for mtime in @99999999999 @-2000000000 @0; do
          out_of_time && return
          section "$(dir_kind "$dir"), victim $who: $variant, mtime $mtime"
          for cmd in status "status --json" break "run --timeout 0"; do
            reset_dir "$dir"
            case $variant in
              another*)
                # Held (another machine's holder may hold long): refusals
                # name the holder, host included.
                forged_record "$dead" $'evil\033[2J\033]0;pwned\007\033[31mhost' \
                  $'2026-01-01T00:00:00\033[8m.000000Z\033[0m' \
                  0123456789abcdef0123456789abcdef "$(cat /proc/sys/kernel/random/uuid)" |
                  mallory_writes "$lock"
                ;;
              *)
                forged_record "$dead" "$HOST" $'2026-01-01T00:00:00.000000Z\033]2;pwned\007' |
                  mallory_writes "$lock"
                ;;
            esac
            touch -h -d "$mtime" "$lock"
            case $cmd in
              run*) call "$who" 10 run --timeout 0 "$lock" -- true ;;
              *) call_words "$who" 10 "$cmd" "$lock" ;;
            esac
            if [ "$RC" -ge 0 ] && [ "$RC" -le 75 ] && [ "$RC" != 64 ]; then
              ok "$cmd: exit $RC"
            else
              bad "$cmd: $(rc_text "$RC") [$LAST]; stderr: $(stderr_excerpt)"
            fi
            no_sanitizer_report
            if grep -q "$esc" "$LOG/out" "$LOG/err"; then
              bad "$cmd: its output holds an ESC byte: $(cat "$LOG/out" "$LOG/err" | tr '\033\n' '^|' | head -c 300)"
            else
              ok "$cmd: no ESC byte in its output"
            fi
          done
        done
      done
    done
  done
}

echo "hostile scenario $SCENARIO: scratch $SCRATCH; users ${TEST_USERS[*]} (created by this run: ${CREATED_USERS[*]:-none}), group $SHARE_GROUP"
case "$SCENARIO" in
  marker-hardlink) marker_hardlink ;;
  planted-marker) planted_marker ;;
  not-a-lock-file) not_a_lock_file ;;
  special-files) special_files ;;
  full-filesystem) full_filesystem ;;
  exclusion) exclusion ;;
  forged-time-and-text) forged_time_and_text ;;
  *) die "unknown scenario $SCENARIO" ;;
esac
echo "$SCENARIO: $CHECKS checks, $FAILS failed"
[ "$FAILS" = 0 ]
