#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace uuid_filelock {

// How hard a published lock file is pushed to stable storage. Other processes
// see a published record immediately at every level: the page cache is shared.
// fsync only matters across a power loss, after which any lock is stale anyway,
// hence the default.
enum class durability_level {
  none,                // no fsync
  file,                // fsync the record before it is published
  file_and_directory,  // also fsync the directory after publishing and removing
};

enum class filesystem_kind {
  automatic,  // by the filesystem type of the lock's directory
  local,      // one kernel serves every user of the lock
  network,    // several hosts share it: no advisory fast path, verify_delay
};

// verify_delay's automatic value on a network filesystem: above the
// visibility lag of the mounts measured in docs/network-filesystems.md.
inline constexpr std::chrono::milliseconds network_verify_delay{250};

// The smallest stale_after a heartbeat may use.
inline constexpr std::chrono::seconds min_heartbeat_stale_after{3};

struct options {
  // Pause between attempts while someone else holds the lock. Each pause is
  // jittered by up to +/-20% so that contenders do not retry in lockstep.
  std::chrono::nanoseconds retry_interval = std::chrono::seconds(1);

  // Pause between publishing the record and re-reading it, so that a writer
  // on another client whose exclusive create also "won" shows up before we
  // trust our file. Empty: automatic, zero on a local filesystem (creation
  // there is atomic) and network_verify_delay on a network one. It must be at
  // least the mount's visibility lag (how long another client may take to
  // see a new file); see docs/network-filesystems.md.
  std::optional<std::chrono::nanoseconds> verify_delay;

  // Limit for acquire() and lock(); empty waits forever. Exceeding it throws
  // std::filesystem::filesystem_error with errc::timeout.
  std::optional<std::chrono::nanoseconds> timeout;

  // Permissions of the lock file, applied exactly (the umask does not narrow
  // them), so several users can share a lock with e.g. perms::all minus exec.
  std::filesystem::perms mode =
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
      std::filesystem::perms::group_read | std::filesystem::perms::others_read;

  durability_level durability = durability_level::none;

  // The advisory fast path: the holder keeps an OS advisory lock (flock) on
  // its lock file, so waiters sleep on that lock and wake the moment it is
  // released, and a holder that died is recognised at once. Used only on
  // filesystems whose advisory locks are global (local ones, not NFS, SMB or
  // FUSE); the UUID protocol decides ownership either way.
  bool advisory = true;

  // Age after which a holder that cannot be checked is presumed dead, where
  // its record allows that: a heartbeating holder (see heartbeat), a
  // detached lock, or a record that is only a UUID (the original Python
  // library's). Empty: never for detached and UUID-only records; a
  // heartbeating holder is still presumed dead once older than its own limit.
  // A holder on another host, or in a pid namespace we cannot see, that does
  // not heartbeat is never presumed dead: it may simply hold the lock for
  // long. Ages are measured against the lock filesystem's clock where it is
  // remote (never guessed where that clock cannot be read), so clock skew
  // between hosts does not shorten them.
  std::optional<std::chrono::nanoseconds> stale_after;

  // While held, refresh the lock file's modification time from a background
  // thread every stale_after / 3, and say so in the record: then other hosts
  // may take the lock over once it is max(their stale_after, ours) old, and a
  // holder whose host crashed is recovered. Needs stale_after of at least
  // min_heartbeat_stale_after (coarse network timestamps need the margin),
  // and at least 3 x (the mount's attribute cache time + its timestamp
  // granularity); a mode with owner_write; not detached. The first beat is
  // made before acquisition returns, and its failure fails the acquisition.
  bool heartbeat = false;

  // Whether the lock directory is shared by several hosts. Automatic
  // classification trusts the filesystem type (NFS, SMB, FUSE, 9P... are
  // network). Say network for a local filesystem that other hosts reach
  // through an export; local only for a FUSE filesystem known to be local.
  filesystem_kind filesystem = filesystem_kind::automatic;

  // An empty lock file (or one cut short within its first line) is respected
  // this long, since it may be a record being written, and is stale after
  // it. Any other file that is no lock record is an error
  // (errc::not_a_lock_file) and is never removed.
  std::chrono::nanoseconds unreadable_grace = std::chrono::seconds(10);

  // A lock meant to outlive this process: after UUIDFileLock::detach() the
  // file stays until release_detached() with its token (or stale_after, or a
  // forced break_lock()). Its record says so, so that the holder's exit does
  // not make it stale; it has no advisory lock, and on Windows it is not
  // delete-on-close.
  bool detached = false;

  // A process of this machine that holds the lock together with this one,
  // typically a child it runs under the lock (the tool's `run` names its
  // COMMAND): the record names it too, and the lock is not presumed dead
  // while it runs, even after this process has died (killed by SIGKILL or
  // the OOM killer); it is recoverable as soon as both are gone. Its own
  // children do not keep the lock. 0: none.
  //
  // With `detached`, it is the lock's owner instead: the detached lock is
  // held while that process runs and is recoverable as soon as it has exited
  // (the tool's `acquire --owner-pid`, for a lock owned by a shell script).
  // It must exist when the lock is taken (else std::errc::no_such_process).
  std::uint64_t companion_pid = 0;

  // What the holder is, shown to people by `status` and the tool's waiting
  // and timeout lines ("held by pid 1234 (nightly backup) on host build7").
  // Stored as one line of printable text of at most 128 bytes. Empty: the
  // program's file name, as QLockFile records the application's name.
  std::string description;
};

}  // namespace uuid_filelock
