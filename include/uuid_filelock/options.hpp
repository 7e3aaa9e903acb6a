#pragma once

#include <chrono>
#include <filesystem>
#include <optional>

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

struct options {
  // Pause between attempts while someone else holds the lock. Each pause is
  // jittered by up to +/-20% so that contenders do not retry in lockstep.
  std::chrono::nanoseconds retry_interval = std::chrono::seconds(1);

  // Pause between publishing the record and re-reading it. Zero is right on
  // local filesystems, whose exclusive create never lets two creators win;
  // set it (e.g. 100ms) on network filesystems whose clients may briefly
  // disagree, so that a competing writer shows up before we trust our file.
  std::chrono::nanoseconds verify_delay = std::chrono::nanoseconds::zero();

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

  // Age after which a holder that cannot be checked is presumed dead: one on
  // another host, one of a pid namespace we cannot see, or a record that is
  // only a UUID (the original Python library's). Empty: never. The age is the
  // distance between the lock file's modification time and this host's
  // clock, so clock skew between hosts shortens or lengthens it.
  std::optional<std::chrono::nanoseconds> stale_after;

  // An empty or unreadable lock file is respected this long (it may be a
  // record being written) and is stale after it.
  std::chrono::nanoseconds unreadable_grace = std::chrono::seconds(10);

  // A lock meant to outlive this process: after UUIDFileLock::detach() the
  // file stays until release_detached() with its token (or stale_after, or a
  // forced break_lock()). Its record says so, so that the holder's exit does
  // not make it stale; it has no advisory lock, and on Windows it is not
  // delete-on-close.
  bool detached = false;
};

}  // namespace uuid_filelock
