// Small Win32 helpers shared by the backend's files.
#pragma once

#include <windows.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>

#include "../common/backend.hpp"

namespace uuid_filelock::detail::win32 {

inline std::error_code error_from(DWORD code) noexcept {
  return {static_cast<int>(code), std::system_category()};
}
inline std::error_code last_error() noexcept { return error_from(::GetLastError()); }

inline HANDLE handle_of(const file_handle& file) noexcept {
  return reinterpret_cast<HANDLE>(file.native());
}
inline file_handle adopt(HANDLE handle) noexcept {
  return file_handle(reinterpret_cast<std::intptr_t>(handle));
}

// The path as CreateFileW wants it: backslashes, no "." or "..", and the
// \\?\ prefix once it nears MAX_PATH, which lifts the 260-character limit
// without the registry's LongPathsEnabled switch.
std::wstring native_path(const std::filesystem::path& path);

// Readers share everything: a holder's file must stay readable, renamable and
// deletable (by whoever is entitled to) while anyone looks at it.
constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

// A symlink or junction at the lock path is opened as itself, never followed;
// FILE_FLAG_BACKUP_SEMANTICS lets a directory be opened, to be recognised.
constexpr DWORD kOpenAsIs = FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS;

// Windows reports a file whose deletion is pending (deleted, but still open
// somewhere) as ERROR_ACCESS_DENIED, like a real denial; the NT status of the
// failed call tells them apart. Such a file is as good as gone.
bool last_error_is_delete_pending() noexcept;

// Antivirus scanners and indexers open new files for a moment, sometimes
// without sharing them; what they cause is retried a bounded number of times
// (pauses of 1, 2, 4 ... 128, 200 ms: about half a second in all), never
// waited out indefinitely.
bool is_transient(DWORD error) noexcept;
void pause_after_transient(int attempt) noexcept;
constexpr int kTransientAttempts = 10;

HANDLE open_file(const std::wstring& path, DWORD access, DWORD share, DWORD disposition,
                 DWORD flags) noexcept;

struct file_info {
  file_identity identity;
  DWORD attributes = 0;
  std::chrono::system_clock::time_point modified;
};
bool query_file(HANDLE file, file_info& info) noexcept;

// The error for something other than a regular file at the lock path, in the
// same std::errc conditions as the POSIX backend reports.
std::error_code not_regular_error(DWORD attributes) noexcept;

// CON, NUL, COM1... name devices in every directory: opening one is refused
// before it happens.
bool names_a_device(const std::filesystem::path& path);

// What a lock name is wrong with before anything is created: a device name
// (errc::not_a_regular_file) or a name longer than NTFS's 255 UTF-16 units
// (which Windows and Wine report as a missing file or path).
std::error_code check_lock_name(const std::filesystem::path& lock_path);

// ERROR_PATH_NOT_FOUND covers both a missing directory and a file where a
// directory should be; the latter becomes std::errc::not_a_directory, as on
// POSIX.
std::error_code path_not_found_error(const std::filesystem::path& lock_path);

enum class rename_result { renamed, target_exists, failed };

// Renames an open file (through its handle, which needs DELETE access) to
// `target` unless that name exists. A file being deleted (still open
// elsewhere) keeps its name until its last handle closes and answers
// ERROR_ACCESS_DENIED: that is contention, not a denial.
rename_result rename_without_replacing(HANDLE file, const std::wstring& target,
                                       std::error_code& ec) noexcept;

// Takes the holder's exclusive advisory lock without waiting; false where the
// filesystem (or this build) has none.
bool take_exclusive_advisory_lock(HANDLE file) noexcept;

}  // namespace uuid_filelock::detail::win32
