#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail {

lock_file_snapshot read_lock_file(const std::filesystem::path& lock_path, std::size_t max_bytes,
                                  std::error_code& ec) noexcept {
  ec.clear();
  lock_file_snapshot snapshot;
  // lstat before open: a FIFO would block open(), a device may react to being
  // opened, and a symlink may point at a victim file.
  struct stat st {};
  if (::lstat(lock_path.c_str(), &st) != 0) {
    if (errno != ENOENT) ec = posix::last_error();
    return snapshot;
  }
  if (!S_ISREG(st.st_mode)) {
    ec = posix::not_regular_error(st);
    return snapshot;
  }
  // The entry may be swapped after lstat: O_NOFOLLOW refuses a symlink and
  // O_NONBLOCK keeps a FIFO from blocking; fstat then checks what we opened.
  const posix::unique_fd fd(posix::retry_on_eintr([&] {
    return ::open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  }));
  if (!fd) {
    if (errno != ENOENT) ec = posix::last_error();
    return snapshot;
  }
  if (::fstat(fd.get(), &st) != 0) {
    ec = posix::last_error();
    return snapshot;
  }
  if (!S_ISREG(st.st_mode)) {
    ec = posix::not_regular_error(st);
    return snapshot;
  }
  // Never take in more than max_bytes (+1 to notice a larger file): a huge
  // file at the lock path costs one small read.
  snapshot.bytes.resize(max_bytes + 1);
  std::size_t filled = 0;
  while (filled < snapshot.bytes.size()) {
    const ssize_t got = posix::retry_on_eintr(
        [&] { return ::read(fd.get(), &snapshot.bytes[filled], snapshot.bytes.size() - filled); });
    if (got < 0) {
      ec = posix::last_error();
      return snapshot;
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  snapshot.truncated = filled > max_bytes;
  snapshot.bytes.resize(snapshot.truncated ? max_bytes : filled);
  snapshot.exists = true;
  snapshot.identity = posix::identity_of(st);
  return snapshot;
}

}  // namespace uuid_filelock::detail
