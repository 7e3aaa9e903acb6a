#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "../common/backend.hpp"
#include "posix_io.hpp"
#include "uuid_filelock/errc.hpp"

namespace uuid_filelock::detail {

namespace {

// Never takes in more than max_bytes (+1 to notice a larger file): a huge
// file at the lock path costs one small read. One read() asking for one byte
// more than the file's size usually returns the whole record and proves the
// end by coming up short; a network filesystem's stale size only costs
// further reads.
std::error_code read_bounded(int fd, std::size_t size, std::size_t max_bytes,
                             lock_file_snapshot& snapshot) {
  const std::size_t want = max_bytes + 1;
  snapshot.bytes.resize(want);
  std::size_t filled = 0;
  while (filled < want) {
    const std::size_t ask = (filled <= size ? std::min(want, size + 1) : want) - filled;
    const ssize_t got = posix::retry_on_eintr(
        [&] { return ::pread(fd, &snapshot.bytes[filled], ask, static_cast<off_t>(filled)); });
    if (got < 0) return posix::last_error();
    filled += static_cast<std::size_t>(got);
    if (got == 0 || (static_cast<std::size_t>(got) < ask && filled >= size)) break;
  }
  snapshot.truncated = filled > max_bytes;
  snapshot.bytes.resize(std::min(filled, max_bytes));
  return {};
}

}  // namespace

lock_file_snapshot read_lock_file(const std::filesystem::path& lock_path, std::size_t max_bytes,
                                  bool keep_open, std::error_code& ec) noexcept {
  ec.clear();
  lock_file_snapshot snapshot;
  // lstat first: a device is never opened at all (opening one can have
  // effects, e.g. arming a watchdog), nor a FIFO, socket or symlink.
  struct stat st {};
  if (::lstat(lock_path.c_str(), &st) != 0) {
    if (!posix::is_gone(errno)) ec = posix::last_error();
    return snapshot;
  }
  if (!S_ISREG(st.st_mode)) {
    ec = posix::not_regular_error(st);
    return snapshot;
  }
  // The entry may be swapped after lstat. O_NOFOLLOW: a symlink may point at
  // a victim file; it is refused (ELOOP), never read through. O_NONBLOCK:
  // opening a FIFO would otherwise wait for a writer forever. O_NOCTTY: a
  // terminal never becomes our controlling one. fstat then refuses whatever
  // is not a regular file.
  file_handle file(posix::retry_on_eintr([&] {
    return ::open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  }));
  const int fd = static_cast<int>(file.native());
  if (!file.is_open()) {
    if (errno == ENXIO) {
      ec = errc::not_a_regular_file;  // a socket cannot be opened at all
    } else if (!posix::is_gone(errno)) {
      ec = posix::last_error();
    }
    return snapshot;
  }
  // A network client may answer ENOENT or ESTALE even through an open
  // descriptor once another host removed the file (sshfs does): it is gone.
  if (::fstat(fd, &st) != 0) {
    if (!posix::is_gone(errno)) ec = posix::last_error();
    return snapshot;
  }
  if (!S_ISREG(st.st_mode)) {
    ec = posix::not_regular_error(st);
    return snapshot;
  }
  ec = read_bounded(fd, static_cast<std::size_t>(std::max<off_t>(st.st_size, 0)), max_bytes,
                    snapshot);
  if (ec) {
    if (posix::is_gone(ec.value())) {
      ec.clear();
      snapshot.bytes.clear();
    }
    return snapshot;
  }
  snapshot.exists = true;
  snapshot.identity = posix::identity_of(st);
  snapshot.modified = posix::modification_time(st);
  if (keep_open) snapshot.file = std::move(file);
  return snapshot;
}

lock_file_snapshot read_own_lock_file(const std::filesystem::path& lock_path,
                                      const file_handle& file, const file_identity& identity,
                                      std::size_t expected_size, std::size_t max_bytes,
                                      std::error_code& ec) noexcept {
  lock_file_snapshot snapshot;
  snapshot.exists = path_names(lock_path, identity, ec);
  if (ec || !snapshot.exists) return snapshot;
  // Same inode, same page cache: what our descriptor reads is what the path
  // shows, including any writer's overwrite.
  snapshot.identity = identity;
  ec = read_bounded(static_cast<int>(file.native()), expected_size, max_bytes, snapshot);
  return snapshot;
}

bool path_names(const std::filesystem::path& lock_path, const file_identity& identity,
                std::error_code& ec) noexcept {
  ec.clear();
  struct stat st {};
  if (::lstat(lock_path.c_str(), &st) != 0) {
    if (!posix::is_gone(errno)) ec = posix::last_error();
    return false;
  }
  return posix::identity_of(st) == identity;
}

}  // namespace uuid_filelock::detail
