// Local volumes have one kernel behind them, so advisory locks exclude every
// process that can reach the lock file. A mapped network drive or a UNC path
// (SMB, WebDAV, NFS client) has its own client caches and lock state: a free
// lock there proves nothing about a holder on another host.
#include <vector>

#include "win32_io.hpp"

namespace uuid_filelock::detail {
namespace {

bool is_unc(const std::wstring& path) {
  return path.rfind(L"\\\\?\\UNC\\", 0) == 0 ||
         (path.rfind(L"\\\\", 0) == 0 && path.rfind(L"\\\\?\\", 0) != 0 &&
          path.rfind(L"\\\\.\\", 0) != 0);
}

// Where the directory really is once symlinks and junctions are resolved: a
// local folder may be a link to a share.
std::wstring final_path_of(const std::wstring& directory) {
  const file_handle dir =
      win32::adopt(win32::open_file(directory, FILE_READ_ATTRIBUTES, win32::kShareAll,
                                    OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS));
  if (!dir.is_open()) return directory;
  std::vector<wchar_t> buffer(MAX_PATH + 1);
  for (;;) {
    const DWORD length = ::GetFinalPathNameByHandleW(
        win32::handle_of(dir), buffer.data(), static_cast<DWORD>(buffer.size()), VOLUME_NAME_DOS);
    if (length == 0) return directory;
    if (length < buffer.size()) return std::wstring(buffer.data(), length);
    buffer.resize(length + 1);
  }
}

}  // namespace

bool is_local_filesystem(const std::filesystem::path& directory) noexcept {
  try {
    const std::wstring path =
        final_path_of(win32::native_path(directory.empty() ? "." : directory));
    if (is_unc(path)) return false;
    std::vector<wchar_t> volume(path.size() + MAX_PATH + 2);
    if (!::GetVolumePathNameW(path.c_str(), volume.data(), static_cast<DWORD>(volume.size())))
      return false;
    // Anything not known to be local (remote, or a type Windows cannot tell)
    // is treated as a network filesystem: slower, never unsafe.
    switch (::GetDriveTypeW(volume.data())) {
      case DRIVE_FIXED:
      case DRIVE_REMOVABLE:
      case DRIVE_RAMDISK:
      case DRIVE_CDROM:
        return true;
      default:
        return false;
    }
  } catch (const std::bad_alloc&) {
    return false;
  }
}

}  // namespace uuid_filelock::detail
