#include "posix_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/backend.hpp"
#include "../common/file_time.hpp"
#include "uuid_filelock/errc.hpp"

namespace uuid_filelock::detail {

void file_handle::close() noexcept {
  // Not retried on EINTR: Linux has released the descriptor already.
  if (native_ != invalid) ::close(static_cast<int>(native_));
  native_ = invalid;
}

namespace posix {

std::error_code write_all(int fd, std::string_view bytes) noexcept {
  while (!bytes.empty()) {
    const ssize_t written = retry_on_eintr([&] { return ::write(fd, bytes.data(), bytes.size()); });
    if (written < 0) return last_error();
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

file_identity identity_of(const struct stat& st) noexcept {
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

std::chrono::system_clock::time_point modification_time(const struct stat& st) noexcept {
#if defined(__APPLE__)
  const struct timespec& t = st.st_mtimespec;
#else
  const struct timespec& t = st.st_mtim;
#endif
  return saturated_file_time(static_cast<std::int64_t>(t.tv_sec),
                             static_cast<std::int64_t>(t.tv_nsec));
}

std::error_code not_regular_error(const struct stat& st) noexcept {
  if (S_ISDIR(st.st_mode)) return {EISDIR, std::system_category()};
  if (S_ISLNK(st.st_mode)) return {ELOOP, std::system_category()};
  return errc::not_a_regular_file;
}

std::error_code sync_parent_directory(const std::filesystem::path& file) noexcept {
  const std::filesystem::path parent = file.parent_path();
  const file_handle dir(retry_on_eintr([&] {
    return ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }));
  if (!dir.is_open()) return last_error();
  return retry_on_eintr([&] { return ::fsync(static_cast<int>(dir.native())); }) == 0
             ? std::error_code{}
             : last_error();
}

}  // namespace posix
}  // namespace uuid_filelock::detail
