// Removing lock files on POSIX: our own at release, a dead holder's when it
// is broken.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail {
namespace {

bool unlink_path(const std::filesystem::path& path, bool sync_directory, std::error_code& ec) {
  ec.clear();
  if (::unlink(path.c_str()) != 0) {
    if (!posix::is_gone(errno)) ec = posix::last_error();
    return false;
  }
  if (sync_directory) ec = posix::sync_parent_directory(path);
  return true;
}

// Gives the file at `from` the name `to` unless `to` exists; false (errno set)
// otherwise. renameat2 where the kernel and filesystem have it, else link()
// and unlink(), which is as exclusive.
bool move_without_replacing(const std::filesystem::path& from, const std::filesystem::path& to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS) return false;
#endif
  if (::link(from.c_str(), to.c_str()) != 0) return false;
  ::unlink(from.c_str());
  return true;
}

// Whether the file now at `aside` is `expected`.
bool is_expected(const std::filesystem::path& aside, const lock_file_snapshot& expected,
                 bool local) {
  std::error_code ec;
  if (local) {
    struct stat st {};
    return ::lstat(aside.c_str(), &st) == 0 && posix::identity_of(st) == expected.identity;
  }
  const lock_file_snapshot moved = read_lock_file(aside, expected.bytes.size(), false, ec);
  return !ec && moved.exists && !moved.truncated && moved.bytes == expected.bytes;
}

}  // namespace

removal remove_stale_file(const std::filesystem::path& lock_path,
                          const lock_file_snapshot& expected, std::string_view unique_tag,
                          bool local, bool sync_directory, std::error_code& ec) noexcept {
  ec.clear();
  try {
    // unlink() removes whatever the path names when it runs, and between a
    // check and an unlink the stale file's owner (a co-user who forged it)
    // may remove it and a contender publish its own. So the file is first
    // moved aside, atomically, under a name nobody else uses; what is
    // checked then is exactly what left the lock path.
    const std::filesystem::path aside =
        lock_path.parent_path() / (".uuid-filelock-" + std::string(unique_tag) + ".tmp");
    if (::rename(lock_path.c_str(), aside.c_str()) != 0) {
      if (posix::is_gone(errno)) return removal::gone;
      // A full directory may have no room for a second name. Removing must
      // never need space: unlink, whose only race is the one above.
      if (errno == ENOSPC || errno == EDQUOT)
        return unlink_path(lock_path, sync_directory, ec) ? removal::removed : removal::gone;
      ec = posix::last_error();
      return removal::gone;
    }
    if (is_expected(aside, expected, local)) {
      unlink_path(aside, sync_directory, ec);
      return removal::removed;
    }
    // Someone else's file, published after the stale one went: it goes back.
    // Should another file have taken the lock path meanwhile, this one stays
    // aside under a temporary's name, which waiters sweep once its holder is
    // dead (sweep_temporaries), and its holder's release reports lock_lost.
    move_without_replacing(aside, lock_path);
    return removal::replaced;
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    return removal::gone;
  }
}

bool release_lock_file(const std::filesystem::path& lock_path, file_handle& held, bool local,
                       bool sync_directory, std::error_code& ec) noexcept {
  // A FUSE client (sshfs) keeps a file unlinked while it is open under a
  // .fuse_hidden* name, and sometimes never removes it; nothing waits on
  // our descriptor there (no advisory locks across hosts), so it is closed
  // first. Locally the unlink comes first: waiters blocked on our flock must
  // find the name gone when they wake.
  if (!local) held.close();
  // unlink() frees the name at once whoever has the file open.
  return unlink_path(lock_path, sync_directory, ec);
}

}  // namespace uuid_filelock::detail
