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

break_claim claim_stale_file(const std::filesystem::path& lock_path, lock_file_snapshot& stale,
                             std::error_code& ec) noexcept {
  ec.clear();
  if (!posix::open_judged_file(lock_path, stale, ec)) return break_claim::gone;
  // Through the snapshot's own descriptor: a shared lock this process took
  // on it while waiting is converted, instead of blocking our own claim.
  const int fd = static_cast<int>(stale.file.native());
  if (posix::retry_on_eintr([&] { return ::flock(fd, LOCK_EX | LOCK_NB); }) == 0) {
    // Another locking program's fcntl lock is a live holder's (see
    // other_lockers.cpp); flock holders, ours or theirs, refused the claim.
    if (!posix::record_lock_held(fd)) return break_claim::claimed;
    ::flock(fd, LOCK_UN);  // never keep a peer that tries to lock waiting
    return break_claim::busy;
  }
  if (errno == EWOULDBLOCK) return break_claim::busy;
  if (posix::advisory_locks_unsupported(errno)) return break_claim::unsupported;
  ec = posix::last_error();
  return break_claim::busy;
}

}  // namespace uuid_filelock::detail
