// Checks of a lock path that every entry point makes the same way.
#pragma once

#include <filesystem>
#include <system_error>

namespace uuid_filelock::detail {

// A path that cannot name a lock file at all: empty, or a directory's
// ("dir/", "..").
inline std::error_code lock_path_error(const std::filesystem::path& lock_path) {
  if (lock_path.empty()) return std::make_error_code(std::errc::no_such_file_or_directory);
  if (!lock_path.has_filename()) return std::make_error_code(std::errc::is_a_directory);
  return {};
}

// Why a lock file that is not there cannot be there either: its directory
// is missing or is no directory. Without this, a look at a mistyped path
// would report "free" to a script that then trusts it.
inline std::error_code missing_directory_error(const std::filesystem::path& lock_path) {
  std::error_code ec;
  const std::filesystem::file_status parent = std::filesystem::status(
      lock_path.has_parent_path() ? lock_path.parent_path() : std::filesystem::path("."), ec);
  if (ec) return ec;
  if (!std::filesystem::is_directory(parent))
    return std::make_error_code(std::errc::not_a_directory);
  return {};
}

}  // namespace uuid_filelock::detail
