// The breakers' claim on a stale lock file: an exclusive flock on the file
// itself. Compiled into every POSIX build, with or without the advisory fast
// path: it serialises breakers, it says nothing about a holder's liveness.
//
// Why a lock on the file and not a marker file beside it: a name can be
// planted in advance by anyone who can write to the directory (a file, a
// FIFO, a hard link to the stale file itself), while a lock on the stale
// file's inode can only be taken by someone who can open it. It needs no
// free space, it ends with its process (a breaker that dies leaves nothing
// behind), and it outlives the file's name: a breaker that gets the claim
// only after another one removed the file still holds the claim on that
// very inode, whose number nobody can reuse meanwhile, and finds the path
// naming something else.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail {
namespace {

// Opens the lock path the way read_lock_file does (never following a
// symlink, never blocking on a FIFO) and keeps the descriptor in `stale`
// only if it is the stale file; false if the path names anything else now.
bool open_stale_file(const std::filesystem::path& lock_path, lock_file_snapshot& stale,
                     std::error_code& ec) {
  file_handle file(posix::retry_on_eintr([&] {
    return ::open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  }));
  struct stat st {};
  if (!file.is_open() || ::fstat(static_cast<int>(file.native()), &st) != 0) {
    if (!posix::is_gone(errno) && errno != ELOOP && errno != ENXIO) ec = posix::last_error();
    return false;
  }
  if (posix::identity_of(st) != stale.identity) return false;
  stale.file = std::move(file);
  return true;
}

}  // namespace

break_claim claim_stale_file(const std::filesystem::path& lock_path, lock_file_snapshot& stale,
                             std::error_code& ec) noexcept {
  ec.clear();
  if (!stale.file.is_open() && !open_stale_file(lock_path, stale, ec)) return break_claim::gone;
  // Through the snapshot's own descriptor: a shared lock this process took
  // on it while waiting is converted, instead of blocking our own claim.
  const int fd = static_cast<int>(stale.file.native());
  if (posix::retry_on_eintr([&] { return ::flock(fd, LOCK_EX | LOCK_NB); }) == 0)
    return break_claim::claimed;
  if (errno == EWOULDBLOCK) return break_claim::busy;
  if (posix::advisory_locks_unsupported(errno)) return break_claim::unsupported;
  ec = posix::last_error();
  return break_claim::busy;
}

}  // namespace uuid_filelock::detail
