// The seam between the portable lock protocol (src/common) and one OS backend
// (src/posix or src/win32; CMake compiles exactly one). Every function is
// noexcept and reports OS failures as std::system_category() codes. Contention
// is a result, never an error: "someone else's file is there" is normal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "uuid_filelock/detail/file_identity.hpp"

namespace uuid_filelock::detail {

struct publish_settings {
  std::filesystem::perms mode;
  bool sync_file;       // flush the record to storage before publishing it
  bool sync_directory;  // flush the directory entry after publishing it
};

enum class publish_outcome { published, already_exists };

// Makes `record` appear at `lock_path` atomically and exclusively: nobody ever
// sees the file empty or half written, and it never replaces an existing entry
// of any type (file, directory, symlink, FIFO). `unique_tag` is unique to this
// attempt and names any temporary file, which never outlives the call.
// On `published`, `published_file` identifies the file now at `lock_path`. On
// error the outcome means nothing and no file of this attempt is left behind.
publish_outcome publish_exclusive(const std::filesystem::path& lock_path, std::string_view record,
                                  std::string_view unique_tag, const publish_settings& settings,
                                  file_identity& published_file, std::error_code& ec) noexcept;

struct lock_file_snapshot {
  bool exists = false;
  std::string bytes;       // at most max_bytes of the file's beginning
  bool truncated = false;  // the file holds more than max_bytes
  file_identity identity;
};

// Reads the lock file without following a symlink and without opening
// anything but a regular file (a FIFO would block, a device may react).
// A missing file is `exists == false`, not an error; a symlink, directory or
// special file at the path is an error.
lock_file_snapshot read_lock_file(const std::filesystem::path& lock_path, std::size_t max_bytes,
                                  std::error_code& ec) noexcept;

// Unlinks the lock path; false if nothing was there.
bool remove_lock_file(const std::filesystem::path& lock_path, bool sync_directory,
                      std::error_code& ec) noexcept;

// Who is asking, recorded in the lock file for humans and for liveness checks.
struct process_identity {
  std::uint64_t pid = 0;
  std::string host;
};

process_identity current_process() noexcept;

}  // namespace uuid_filelock::detail
