// Directories at any path length. Win32 takes a path beyond MAX_PATH (260
// characters) only in its extended-length form, \\?\C:\..., and MinGW's
// std::filesystem lists the current directory instead of a directory whose
// path is that long, and cannot remove it.
#pragma once

#include <filesystem>
#include <set>
#include <string>

namespace uuid_filelock::test {

// `path` in a form Win32 accepts at any length (Windows: \\?\ and the
// absolute path with backslashes; POSIX: unchanged).
std::filesystem::path any_length(const std::filesystem::path& path);

// Creates `directory` and its missing parents.
void create_directories_any_length(const std::filesystem::path& directory);

// Names (UTF-8) of the entries in `directory`.
std::set<std::string> entry_names(const std::filesystem::path& directory);

// Removes `path` and everything in it; what cannot be removed stays.
void remove_tree(const std::filesystem::path& path) noexcept;

}  // namespace uuid_filelock::test
