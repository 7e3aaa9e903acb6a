# A multi-"host" test bed on one machine, sourced by the network tests.
#
# One directory is served by a private sshd on 127.0.0.1 (own config, own
# throwaway keys, a free port: never the system service) and mounted several
# times with sshfs; each mount keeps its own caches, as a separate client
# host would. Optionally two rclone mounts of the same directory give a
# filesystem whose O_EXCL is not exclusive across clients. Each "host" runs
# in its own UTS, PID and mount namespace with its own hostname, machine id
# and boot id (files bind-mounted over /etc/machine-id and
# /proc/sys/kernel/random/boot_id).
#
# testbed_up registers testbed_down on EXIT: it stops exactly the processes
# the bed started and unmounts exactly what it mounted, also when a test
# fails or the script is interrupted.

TESTBED_SKIP=77  # CTest's SKIP_RETURN_CODE for these tests

# Exits with TESTBED_SKIP, saying why, unless this machine can run the bed.
testbed_require() {
  local missing=()
  [ "$(id -u)" = 0 ] || { echo "SKIP: the network test bed needs root (mount, namespaces)"; exit $TESTBED_SKIP; }
  [ -c /dev/fuse ] || { echo "SKIP: /dev/fuse is missing"; exit $TESTBED_SKIP; }
  local tool
  for tool in sshfs /usr/sbin/sshd ssh ssh-keygen unshare fusermount "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "SKIP: not installed: ${missing[*]} (scripts/install-deps.sh installs them)"
    exit $TESTBED_SKIP
  fi
  if ! unshare --uts --pid --mount --fork --mount-proc true 2>/dev/null; then
    echo "SKIP: this machine does not allow UTS/PID/mount namespaces"
    exit $TESTBED_SKIP
  fi
}

TESTBED_MOUNTS=()
TESTBED_PIDS=()

testbed_down() {
  local status=$?
  # A second INT or TERM (timeout signals the whole process group, a user
  # may press Ctrl-C twice) must not cut the cleanup short.
  trap '' INT TERM
  local m pid
  # Hosts still running (a failed test's): SIGKILL ends each with all its
  # processes.
  for pid in $(jobs -p); do
    case " ${TESTBED_PIDS[*]} " in
      *" $pid "*) ;;
      *)
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        ;;
    esac
  done
  for m in "${TESTBED_MOUNTS[@]}"; do
    fusermount -u "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  for pid in "${TESTBED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${TESTBED_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  # Never deletes through a mount that is still there: that would delete
  # the shared files of someone else's test.
  if [ -n "${TESTBED_ROOT:-}" ] && ! grep -q " $TESTBED_ROOT/" /proc/mounts; then
    rm -rf --one-file-system "$TESTBED_ROOT"
  fi
  return $status
}

# A TCP port nobody listens on now.
testbed_free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

# Starts sshd serving $TESTBED_ROOT/shared; sets TESTBED_SHARED.
testbed_up() {
  TESTBED_ROOT=$(mktemp -d /tmp/uuid-filelock-netbed.XXXXXX)
  trap testbed_down EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  TESTBED_SHARED=$TESTBED_ROOT/shared
  mkdir -p "$TESTBED_SHARED" "$TESTBED_ROOT/ssh" /run/sshd
  chmod 700 "$TESTBED_ROOT/ssh"
  ssh-keygen -q -t ed25519 -N '' -f "$TESTBED_ROOT/ssh/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$TESTBED_ROOT/ssh/client_key"
  cp "$TESTBED_ROOT/ssh/client_key.pub" "$TESTBED_ROOT/ssh/authorized_keys"
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(testbed_free_port)
    cat >"$TESTBED_ROOT/ssh/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $TESTBED_ROOT/ssh/host_key
AuthorizedKeysFile $TESTBED_ROOT/ssh/authorized_keys
PermitRootLogin yes
PasswordAuthentication no
StrictModes no
UsePAM no
PidFile $TESTBED_ROOT/ssh/sshd.pid
MaxStartups 100
MaxSessions 100
Subsystem sftp internal-sftp
CFG
    # -D: stays in the foreground, so its pid is ours to stop.
    /usr/sbin/sshd -D -f "$TESTBED_ROOT/ssh/sshd_config" -E "$TESTBED_ROOT/ssh/sshd.log" &
    TESTBED_PIDS+=($!)
    local i
    for i in $(seq 50); do
      if ssh -q -p "$port" -i "$TESTBED_ROOT/ssh/client_key" -o BatchMode=yes \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1 true 2>/dev/null; then
        TESTBED_PORT=$port
        return 0
      fi
      kill -0 "${TESTBED_PIDS[-1]}" 2>/dev/null || break
      sleep 0.1
    done
    # This attempt failed (the port was taken meanwhile): forget its pid, so
    # that cleanup never signals a process that reused it.
    kill "${TESTBED_PIDS[-1]}" 2>/dev/null || true
    wait "${TESTBED_PIDS[-1]}" 2>/dev/null || true
    unset 'TESTBED_PIDS[-1]'
  done
  echo "testbed: sshd did not come up; its log:" >&2
  cat "$TESTBED_ROOT/ssh/sshd.log" >&2
  return 1
}

# testbed_sshfs NAME cached|uncached|tuned: mounts the shared directory at
# $TESTBED_ROOT/NAME, the path left in TESTBED_MOUNT. (Not printed: a
# command substitution would run it in a subshell, whose bookkeeping of what
# to unmount is lost.)
testbed_sshfs() {
  local mountpoint=$TESTBED_ROOT/$1 cache_options=""
  case $2 in
    uncached) cache_options=",cache=no,dir_cache=no,entry_timeout=0,attr_timeout=0,negative_timeout=0" ;;
    # Caching on, with the 1-second timeouts docs/network-filesystems.md
    # recommends for heartbeats (sshfs's own cache keeps attributes 20 s).
    tuned) cache_options=",dcache_timeout=1,attr_timeout=1,entry_timeout=1" ;;
  esac
  mkdir -p "$mountpoint"
  sshfs "root@127.0.0.1:$TESTBED_SHARED" "$mountpoint" -p "$TESTBED_PORT" \
    -o "IdentityFile=$TESTBED_ROOT/ssh/client_key,StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes$cache_options" >&2 || return 1
  TESTBED_MOUNTS+=("$mountpoint")
  TESTBED_MOUNT=$mountpoint
}

# testbed_rclone NAME [CACHE_MODE]: an rclone mount of the shared directory
# (no sshd involved: the ":local:" backend), left in TESTBED_MOUNT like
# testbed_sshfs. CACHE_MODE is rclone's --vfs-cache-mode (default off, as
# `rclone mount` has it); caches expire at once either way.
testbed_rclone() {
  local mountpoint=$TESTBED_ROOT/$1
  mkdir -p "$mountpoint"
  rclone mount ":local:$TESTBED_SHARED" "$mountpoint" --config /dev/null \
    --vfs-cache-mode "${2:-off}" --vfs-write-back 0s --dir-cache-time 0s --attr-timeout 0s \
    --cache-dir "$TESTBED_ROOT/rclone-cache-$1" \
    --log-file "$TESTBED_ROOT/rclone-$1.log" >&2 &
  TESTBED_PIDS+=($!)
  TESTBED_MOUNTS+=("$mountpoint")
  local i
  for i in $(seq 100); do
    if [ "$(stat -f -c %t "$mountpoint" 2>/dev/null)" = 65735546 ]; then
      TESTBED_MOUNT=$mountpoint
      return 0
    fi
    sleep 0.1
  done
  echo "testbed: rclone mount did not come up" >&2
  return 1
}

# testbed_host NAME BOOT COMMAND...: runs COMMAND as host NAME (in a
# subshell, which it replaces: call it as `(testbed_host ...)` or with &), in boot
# number BOOT of that host (a later BOOT is the same host rebooted): own
# hostname, machine id (per NAME) and boot id (per NAME and BOOT), own pid
# namespace. When the command's host process is killed, the namespace's
# init is: everything the "host" ran ends with it.
testbed_host() {
  local name=$1 boot=$2
  shift 2
  local ids=$TESTBED_ROOT/ids
  mkdir -p "$ids"
  [ -f "$ids/$name.machine" ] || cat /proc/sys/kernel/random/uuid | tr -d - >"$ids/$name.machine"
  [ -f "$ids/$name.$boot.boot" ] || cat /proc/sys/kernel/random/uuid >"$ids/$name.$boot.boot"
  # exec: a caller that runs this in the background gets unshare's pid in
  # $!, and SIGKILL to it ends the host (--kill-child) like a power cut.
  exec unshare --uts --pid --mount --fork --mount-proc --kill-child -- /bin/sh -c '
    hostname "$1" &&
    mount --bind "$2" /etc/machine-id &&
    mount --bind "$3" /proc/sys/kernel/random/boot_id || exit 125
    shift 3
    exec "$@"' testbed-host "$name" "$ids/$name.machine" "$ids/$name.$boot.boot" "$@"
}
