// The advisory layer under the UUID protocol, with flock(2).
//
// flock locks belong to an open file description: two descriptors opened
// separately (two lock objects, two threads, two processes) exclude each
// other, and closing some other descriptor of the same file drops nothing.
// Classic fcntl locks (what Boost.Interprocess's file_lock uses) belong to the
// process and vanish when any descriptor of the file is closed, which would
// let two objects of one process both "hold" the lock. flock is never mixed
// with fcntl locks here.
#include <sys/file.h>

#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail {
namespace posix {

bool take_exclusive_advisory_lock(int fd) noexcept {
  // The file is new and unpublished: nobody else can hold a lock on it.
  return retry_on_eintr([&] { return ::flock(fd, LOCK_EX | LOCK_NB); }) == 0;
}

}  // namespace posix

void drop_advisory_lock(const file_handle& file) noexcept {
  if (file.is_open()) ::flock(static_cast<int>(file.native()), LOCK_UN);
}

advisory_state wait_for_advisory_lock(const file_handle& file, bool block,
                                      std::error_code& ec) noexcept {
  ec.clear();
  const int fd = static_cast<int>(file.native());
  // Shared, so that waiters never block one another: all that matters is
  // whether the holder's exclusive lock is still there.
  const int operation = LOCK_SH | (block ? 0 : LOCK_NB);
  if (posix::retry_on_eintr([&] { return ::flock(fd, operation); }) == 0) {
    return advisory_state::free;
  }
  if (errno == EWOULDBLOCK) return advisory_state::held;
  // Filesystems without working advisory locks: the lock falls back to the
  // plain protocol, it never fails.
  if (posix::advisory_locks_unsupported(errno)) return advisory_state::unsupported;
  ec = posix::last_error();
  return advisory_state::unsupported;
}

}  // namespace uuid_filelock::detail
