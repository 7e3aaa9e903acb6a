#include "symlink.hpp"

#include <windows.h>

namespace uuid_filelock::test {

// std::filesystem of MinGW's libstdc++ has no symlinks on Windows (ENOSYS):
// the Win32 calls are used directly.
std::string make_file_symlink(const std::filesystem::path& target,
                              const std::filesystem::path& link) {
  if (!::CreateSymbolicLinkW(link.c_str(), target.c_str(),
                             SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE)) {
    const DWORD error = ::GetLastError();
    return error == ERROR_PRIVILEGE_NOT_HELD
               ? "creating a symlink needs SeCreateSymbolicLinkPrivilege or developer mode"
               : "CreateSymbolicLinkW failed with error " + std::to_string(error);
  }
  // Wine's CreateSymbolicLinkW is a stub: it reports success and makes nothing.
  return test::is_symlink(link)
             ? ""
             : "CreateSymbolicLinkW made no symlink (Wine does not implement it)";
}

bool is_symlink(const std::filesystem::path& path) {
  WIN32_FIND_DATAW found{};
  const HANDLE search = ::FindFirstFileW(path.c_str(), &found);
  if (search == INVALID_HANDLE_VALUE) return false;
  ::FindClose(search);
  return (found.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 &&
         found.dwReserved0 == IO_REPARSE_TAG_SYMLINK;
}

}  // namespace uuid_filelock::test
