#include "long_path.hpp"

#include <windows.h>

#include <stdexcept>

namespace uuid_filelock::test {

std::filesystem::path any_length(const std::filesystem::path& path) {
  if (path.native().rfind(L"\\\\?\\", 0) == 0) return path;
  const std::wstring text = std::filesystem::absolute(path).make_preferred().native();
  if (text.rfind(L"\\\\", 0) == 0) return L"\\\\?\\UNC\\" + text.substr(2);
  return L"\\\\?\\" + text;
}

void create_directories_any_length(const std::filesystem::path& directory) {
  // One level at a time, with plain path arithmetic: the \\?\ form is
  // applied only at the Win32 call.
  const std::filesystem::path absolute = std::filesystem::absolute(directory);
  std::filesystem::path partial = absolute.root_path();
  for (const auto& part : absolute.relative_path()) {
    partial /= part;
    if (!::CreateDirectoryW(any_length(partial).c_str(), nullptr) &&
        ::GetLastError() != ERROR_ALREADY_EXISTS) {
      throw std::filesystem::filesystem_error(
          "CreateDirectoryW", partial,
          std::error_code(static_cast<int>(::GetLastError()), std::system_category()));
    }
  }
}

namespace {

// Calls `visit` with each entry's data; "." and ".." are not entries.
template <typename Visit>
void for_each_entry(const std::filesystem::path& directory, Visit visit) {
  WIN32_FIND_DATAW found{};
  const HANDLE search = ::FindFirstFileW((any_length(directory) / L"*").c_str(), &found);
  if (search == INVALID_HANDLE_VALUE) {
    throw std::filesystem::filesystem_error(
        "FindFirstFileW", directory,
        std::error_code(static_cast<int>(::GetLastError()), std::system_category()));
  }
  do {
    const std::wstring name = found.cFileName;
    if (name != L"." && name != L"..") visit(found);
  } while (::FindNextFileW(search, &found));
  ::FindClose(search);
}

}  // namespace

std::set<std::string> entry_names(const std::filesystem::path& directory) {
  std::set<std::string> names;
  for_each_entry(directory, [&](const WIN32_FIND_DATAW& found) {
    names.insert(std::filesystem::path(found.cFileName).u8string());
  });
  return names;
}

void remove_tree(const std::filesystem::path& path) noexcept {
  try {
    const std::filesystem::path long_form = any_length(path);
    const DWORD attributes = ::GetFileAttributesW(long_form.c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) return;
    // A symlink or junction is removed itself, never what it points to.
    if ((attributes & FILE_ATTRIBUTE_DIRECTORY) && !(attributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
      for_each_entry(path, [&](const WIN32_FIND_DATAW& found) {
        remove_tree(path / std::filesystem::path(found.cFileName));
      });
      ::RemoveDirectoryW(long_form.c_str());
    } else if (attributes & FILE_ATTRIBUTE_DIRECTORY) {
      ::RemoveDirectoryW(long_form.c_str());
    } else {
      ::SetFileAttributesW(long_form.c_str(), FILE_ATTRIBUTE_NORMAL);
      ::DeleteFileW(long_form.c_str());
    }
  } catch (...) {
    // Cleanup is best effort: a test's verdict never depends on it.
  }
}

}  // namespace uuid_filelock::test
