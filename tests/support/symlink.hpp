// Symbolic links at the lock path, where the OS lets a test make them.
#pragma once

#include <filesystem>
#include <string>

namespace uuid_filelock::test {

// Makes `link` a symbolic link to `target` (a file, possibly missing). ""
// when done; otherwise why it cannot be done here (on Windows it takes a
// privilege or developer mode, and Wine does not implement symlinks).
std::string make_file_symlink(const std::filesystem::path& target,
                              const std::filesystem::path& link);

// Whether `path` itself (not what it points to) is a symbolic link.
bool is_symlink(const std::filesystem::path& path);

}  // namespace uuid_filelock::test
