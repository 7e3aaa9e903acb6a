// Other locking programs on the lock path. util-linux flock(1), Python
// filelock's FileLock, QLockFile, fasteners, dpkg and Boost.Interprocess keep
// an empty (or pid-only) file and the real lock in the kernel: a flock(2) lock
// or an fcntl record lock. Such a file looks like an abandoned record of
// ours; its holder is alive exactly as long as its kernel lock is held.
// Compiled into every POSIX build, with or without the advisory fast path:
// it judges other programs' holders, not ours.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail {
namespace posix {

bool open_judged_file(const std::filesystem::path& lock_path, lock_file_snapshot& judged,
                      std::error_code& ec) noexcept {
  if (judged.file.is_open()) return true;
  file_handle file(retry_on_eintr([&] {
    return ::open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  }));
  struct stat st {};
  if (!file.is_open() || ::fstat(static_cast<int>(file.native()), &st) != 0) {
    if (!is_gone(errno) && errno != ELOOP && errno != ENXIO) ec = last_error();
    return false;
  }
  if (identity_of(st) != judged.identity) return false;
  judged.file = std::move(file);
  return true;
}

bool record_lock_held(int fd) noexcept {
  // Asks without taking anything: which lock would conflict with a write
  // lock on the whole file. The open file description variant sees classic
  // fcntl locks of every process, this one's included, and OFD locks.
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
#ifdef F_OFD_GETLK
  if (::fcntl(fd, F_OFD_GETLK, &probe) == 0) return probe.l_type != F_UNLCK;
  probe.l_type = F_WRLCK;
#endif
  // Without OFD locks, F_GETLK sees other processes' locks only; this
  // library takes none, so none of ours are missed.
  if (::fcntl(fd, F_GETLK, &probe) == 0) return probe.l_type != F_UNLCK;
  return false;  // no record locks on this filesystem
}

}  // namespace posix

bool held_by_other_locker(const std::filesystem::path& lock_path, lock_file_snapshot& judged,
                          std::error_code& ec) noexcept {
  ec.clear();
  if (!posix::open_judged_file(lock_path, judged, ec)) return false;
  const int fd = static_cast<int>(judged.file.native());
  // A shared flock is refused exactly while someone holds an exclusive one,
  // and disturbs no shared holder. It is dropped at once: kept while this
  // contender sleeps, it would make a program that locks next wait for us.
  // (A program that holds its flock shared is seen by the breakers' claim,
  // which asks for an exclusive one.)
  if (posix::retry_on_eintr([&] { return ::flock(fd, LOCK_SH | LOCK_NB); }) != 0)
    return errno == EWOULDBLOCK || posix::record_lock_held(fd);
  ::flock(fd, LOCK_UN);
  return posix::record_lock_held(fd);
}

}  // namespace uuid_filelock::detail
