#include "win32_io.hpp"

#include <algorithm>
#include <cstring>
#include <cwctype>
#include <vector>

#include "../common/file_time.hpp"
#include "uuid_filelock/errc.hpp"

namespace uuid_filelock::detail {

void file_handle::close() noexcept {
  if (native_ != invalid) ::CloseHandle(win32::handle_of(*this));
  native_ = invalid;
}

namespace win32 {
namespace {

constexpr std::size_t kLongPathThreshold = 240;  // leaves room for our temporary names
constexpr long kStatusDeletePending = static_cast<long>(0xC0000056L);
constexpr std::uint64_t kFiletimeToUnixEpoch = 116444736000000000ULL;  // 100 ns ticks

using rtl_get_last_nt_status = long(WINAPI*)();

std::uint64_t to_u64(DWORD high, DWORD low) {
  return (static_cast<std::uint64_t>(high) << 32) | low;
}

}  // namespace

std::wstring native_path(const std::filesystem::path& path) {
  std::wstring text = path.lexically_normal().make_preferred().native();
  // Already verbatim (\\?\) or a device path (\\.\): left as given.
  if (text.size() < kLongPathThreshold || text.rfind(L"\\\\?\\", 0) == 0 ||
      text.rfind(L"\\\\.\\", 0) == 0 || !path.is_absolute())
    return text;
  if (text.rfind(L"\\\\", 0) == 0) return L"\\\\?\\UNC\\" + text.substr(2);
  return L"\\\\?\\" + text;
}

bool last_error_is_delete_pending() noexcept {
  if (::GetLastError() != ERROR_ACCESS_DENIED) return false;
  static const auto get_status = reinterpret_cast<rtl_get_last_nt_status>(reinterpret_cast<void*>(
      ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "RtlGetLastNtStatus")));
  return get_status != nullptr && get_status() == kStatusDeletePending;
}

bool is_transient(DWORD error) noexcept {
  return error == ERROR_SHARING_VIOLATION || error == ERROR_LOCK_VIOLATION;
}

void pause_after_transient(int attempt) noexcept {
  ::Sleep(std::min<DWORD>(static_cast<DWORD>(1) << std::min(attempt, 8), 200));
}

HANDLE open_file(const std::wstring& path, DWORD access, DWORD share, DWORD disposition,
                 DWORD flags) noexcept {
  // Handles are created non-inheritable (no SECURITY_ATTRIBUTES): a child
  // process started while we hold the lock never keeps the file open.
  return ::CreateFileW(path.c_str(), access, share, nullptr, disposition, flags, nullptr);
}

bool query_file(HANDLE file, file_info& info) noexcept {
  BY_HANDLE_FILE_INFORMATION by_handle{};
  if (!::GetFileInformationByHandle(file, &by_handle)) return false;
  info.identity = {by_handle.dwVolumeSerialNumber,
                   to_u64(by_handle.nFileIndexHigh, by_handle.nFileIndexLow)};
  // ReFS ids are 128 bits and the 64-bit index above may repeat there; both
  // halves are folded in. (NTFS's upper half is zero: the same value.)
  FILE_ID_INFO id{};
  if (::GetFileInformationByHandleEx(file, FileIdInfo, &id, sizeof id)) {
    std::uint64_t halves[2];
    static_assert(sizeof halves == sizeof id.FileId, "FILE_ID_128 is 16 bytes");
    std::memcpy(halves, &id.FileId, sizeof halves);
    info.identity = {id.VolumeSerialNumber, halves[0] ^ halves[1]};
  }
  info.attributes = by_handle.dwFileAttributes;
  const std::uint64_t ticks =
      to_u64(by_handle.ftLastWriteTime.dwHighDateTime, by_handle.ftLastWriteTime.dwLowDateTime);
  // Whole seconds first: the full range of a FILETIME (to the year 60056)
  // then fits, and saturated_file_time bounds it.
  constexpr std::uint64_t kTicksPerSecond = 10000000;
  info.modified =
      saturated_file_time(static_cast<std::int64_t>(ticks / kTicksPerSecond) -
                              static_cast<std::int64_t>(kFiletimeToUnixEpoch / kTicksPerSecond),
                          static_cast<std::int64_t>(ticks % kTicksPerSecond) * 100);
  return true;
}

std::error_code not_regular_error(DWORD attributes) noexcept {
  if (attributes & FILE_ATTRIBUTE_REPARSE_POINT)
    return std::make_error_code(std::errc::too_many_symbolic_link_levels);
  if (attributes & FILE_ATTRIBUTE_DIRECTORY) return std::make_error_code(std::errc::is_a_directory);
  return errc::not_a_regular_file;
}

bool names_a_device(const std::filesystem::path& path) {
  std::wstring stem = path.filename().native();
  stem = stem.substr(0, stem.find_first_of(L".:"));
  while (!stem.empty() && (stem.back() == L' ')) stem.pop_back();
  std::transform(stem.begin(), stem.end(), stem.begin(),
                 [](wchar_t c) { return static_cast<wchar_t>(std::towupper(c)); });
  if (stem == L"CON" || stem == L"PRN" || stem == L"AUX" || stem == L"NUL" || stem == L"CONIN$" ||
      stem == L"CONOUT$")
    return true;
  return stem.size() == 4 && (stem.rfind(L"COM", 0) == 0 || stem.rfind(L"LPT", 0) == 0) &&
         stem[3] >= L'1' && stem[3] <= L'9';
}

std::error_code check_lock_name(const std::filesystem::path& lock_path) {
  if (names_a_device(lock_path)) return errc::not_a_regular_file;
  if (lock_path.filename().native().size() > 255)
    return std::make_error_code(std::errc::filename_too_long);
  return {};
}

std::error_code path_not_found_error(const std::filesystem::path& lock_path) {
  // The nearest ancestor that exists decides: a file there means the path
  // runs through a file.
  for (std::filesystem::path ancestor = lock_path.parent_path();
       !ancestor.empty() && ancestor != ancestor.parent_path(); ancestor = ancestor.parent_path()) {
    const DWORD attributes = ::GetFileAttributesW(native_path(ancestor).c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) continue;
    if ((attributes & FILE_ATTRIBUTE_DIRECTORY) == 0)
      return std::make_error_code(std::errc::not_a_directory);
    break;
  }
  return error_from(ERROR_PATH_NOT_FOUND);
}

rename_result rename_without_replacing(HANDLE file, const std::wstring& target,
                                       std::error_code& ec) noexcept {
  // FILE_RENAME_INFO ends in a flexible array; the name must also be
  // NUL-terminated (some code paths ignore FileNameLength).
  const std::size_t name_bytes = target.size() * sizeof(wchar_t);
  std::vector<unsigned char> buffer;
  try {
    buffer.assign(sizeof(FILE_RENAME_INFO) + name_bytes + sizeof(wchar_t), 0);
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    return rename_result::failed;
  }
  auto* info = reinterpret_cast<FILE_RENAME_INFO*>(buffer.data());
  info->ReplaceIfExists = FALSE;
  info->RootDirectory = nullptr;
  info->FileNameLength = static_cast<DWORD>(name_bytes);
  std::memcpy(info->FileName, target.c_str(), name_bytes);
  for (int attempt = 0;; ++attempt) {
    if (::SetFileInformationByHandle(file, FileRenameInfo, info, static_cast<DWORD>(buffer.size())))
      return rename_result::renamed;
    const DWORD error = ::GetLastError();
    if (error == ERROR_ALREADY_EXISTS || error == ERROR_FILE_EXISTS)
      return rename_result::target_exists;
    if (last_error_is_delete_pending()) return rename_result::target_exists;
    if (error == ERROR_ACCESS_DENIED &&
        ::GetFileAttributesW(target.c_str()) != INVALID_FILE_ATTRIBUTES) {
      // Something we may not replace is there (a directory, a read-only
      // file): the caller looks at it and reports what it is.
      return rename_result::target_exists;
    }
    if (!is_transient(error) || attempt + 1 >= kTransientAttempts) {
      ec = error_from(error);
      return rename_result::failed;
    }
    pause_after_transient(attempt);
  }
}

}  // namespace win32
}  // namespace uuid_filelock::detail
