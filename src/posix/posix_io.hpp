// Small POSIX helpers shared by the backend's files.
#pragma once

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "uuid_filelock/detail/file_identity.hpp"

struct stat;

namespace uuid_filelock::detail {
struct lock_file_snapshot;
}

namespace uuid_filelock::detail::posix {

inline std::error_code last_error() noexcept { return {errno, std::system_category()}; }

// Signals interrupt open/read/write/link/rename; they are safe to repeat.
// close() is not: Linux frees the descriptor even when it reports EINTR.
template <class Call>
auto retry_on_eintr(Call call) noexcept {
  decltype(call()) result;
  do {
    result = call();
  } while (result == -1 && errno == EINTR);
  return result;
}

std::error_code write_all(int fd, std::string_view bytes) noexcept;

// "Nothing there": ENOENT, or ESTALE, which an NFS client reports for a name
// whose file another host removed since this one last looked.
inline bool is_gone(int error) noexcept { return error == ENOENT || error == ESTALE; }

file_identity identity_of(const struct stat& st) noexcept;

std::chrono::system_clock::time_point modification_time(const struct stat& st) noexcept;

// The error for a non-regular file at the lock path: EISDIR, ELOOP (what
// O_NOFOLLOW reports for a symlink) or errc::not_a_regular_file.
std::error_code not_regular_error(const struct stat& st) noexcept;

// Makes a directory entry change (create, rename, unlink) durable.
std::error_code sync_parent_directory(const std::filesystem::path& file) noexcept;

// What filesystems without working advisory locks answer to flock()
// (Lustre, NFS mounted nolock, some FUSE).
inline bool advisory_locks_unsupported(int error) noexcept {
  return error == ENOSYS || error == ENOLCK || error == EOPNOTSUPP || error == ENOTSUP ||
         error == EINVAL;
}

// Takes the holder's exclusive advisory lock without waiting; false where the
// filesystem (or this build) has none. Never fails a lock that could be taken.
bool take_exclusive_advisory_lock(int fd) noexcept;

// Opens the lock path the way read_lock_file does (never following a
// symlink, never blocking on a FIFO) and keeps the descriptor in `judged`
// only if it is the judged file; false if the path names anything else now.
// True at once if `judged` is open already.
bool open_judged_file(const std::filesystem::path& lock_path, lock_file_snapshot& judged,
                      std::error_code& ec) noexcept;

// Whether any process holds an fcntl record lock (classic or OFD) on the file.
bool record_lock_held(int fd) noexcept;

}  // namespace uuid_filelock::detail::posix
