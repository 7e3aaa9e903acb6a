#include <unistd.h>

#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail {

bool remove_lock_file(const std::filesystem::path& lock_path, bool sync_directory,
                      std::error_code& ec) noexcept {
  ec.clear();
  if (::unlink(lock_path.c_str()) != 0) {
    if (!posix::is_gone(errno)) ec = posix::last_error();
    return false;
  }
  if (sync_directory) ec = posix::sync_parent_directory(lock_path);
  return true;
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
  return remove_lock_file(lock_path, sync_directory, ec);
}

}  // namespace uuid_filelock::detail
