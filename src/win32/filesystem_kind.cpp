// Local volumes have one kernel behind them, so advisory locks exclude every
// process that can reach the lock file. A mapped network drive or a UNC path
// (SMB, WebDAV, NFS client) has its own client caches and lock state: a free
// lock there proves nothing about a holder on another host.
#include <vector>

#include "win32_io.hpp"

namespace uuid_filelock::detail {

bool is_local_filesystem(const std::filesystem::path& directory) noexcept {
  try {
    const std::wstring path = win32::native_path(directory.empty() ? "." : directory);
    if (path.rfind(L"\\\\?\\UNC\\", 0) == 0) return false;
    if (path.rfind(L"\\\\", 0) == 0 && path.rfind(L"\\\\?\\", 0) != 0) return false;
    std::vector<wchar_t> volume(path.size() + MAX_PATH + 2);
    if (!::GetVolumePathNameW(path.c_str(), volume.data(), static_cast<DWORD>(volume.size())))
      return false;
    return ::GetDriveTypeW(volume.data()) != DRIVE_REMOTE;
  } catch (const std::bad_alloc&) {
    return false;
  }
}

}  // namespace uuid_filelock::detail
