// Removing a lock file on Windows.
//
// Deleting a file that someone still has open only marks it "delete
// pending": its name stays taken, and every open of it fails, until the last
// handle closes -- a status reader or a waiter could keep the lock name
// blocked after its release. So the file is first renamed away, to a name of
// its own in the same directory, and deleted there: the lock name is free the
// moment the rename returns. The renamed file disappears when its last
// handle closes (every handle we delete through is delete-on-close).
#include <cstdio>

#include "win32_io.hpp"

namespace uuid_filelock::detail {
namespace {

// Unique while the file exists: its own file id.
std::wstring graveyard_name(const std::filesystem::path& lock_path, const file_identity& identity,
                            int attempt) {
  wchar_t name[96];
  std::swprintf(name, sizeof name / sizeof name[0], L".uuid-filelock-%llx-%d.released",
                static_cast<unsigned long long>(identity.file_id), attempt);
  return win32::native_path(lock_path.parent_path() / name);
}

// Moves an open, delete-on-close file off the lock name. Best effort: if the
// rename fails, the file still goes when its handles close.
void rename_away(HANDLE file, const std::filesystem::path& lock_path) {
  win32::file_info info;
  if (!win32::query_file(file, info)) return;
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::error_code ignored;
    if (win32::rename_without_replacing(file, graveyard_name(lock_path, info.identity, attempt),
                                        ignored) != win32::rename_result::target_exists)
      return;
  }
}

}  // namespace

break_claim claim_stale_file(const std::filesystem::path&, lock_file_snapshot&,
                             std::error_code& ec) noexcept {
  // remove_stale_file renames and deletes through the handle it checked, so
  // it can only ever remove the stale file itself: breakers need no order.
  ec.clear();
  return break_claim::claimed;
}

bool held_by_other_locker(const std::filesystem::path&, lock_file_snapshot&,
                          std::error_code& ec) noexcept {
  // Windows lockers keep the file open without sharing deletion (Python
  // filelock's msvcrt lock, LockFileEx users): remove_stale_file fails on
  // such a file with a sharing violation and reports it in use.
  ec.clear();
  return false;
}

removal remove_stale_file(const std::filesystem::path& lock_path,
                          const lock_file_snapshot& expected, std::string_view, bool, bool,
                          std::error_code& ec) noexcept {
  // (Not flushed: the handle has no write access, and a broken lock that
  // reappears after a power loss is judged stale again.)
  ec.clear();
  try {
    // Not delete-on-close: if the handle turns out to be someone else's
    // file, closing it must leave that file alone.
    const file_handle file = win32::adopt(
        win32::open_file(win32::native_path(lock_path), DELETE | FILE_READ_ATTRIBUTES,
                         win32::kShareAll, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT));
    if (!file.is_open()) {
      const DWORD error = ::GetLastError();
      // A sharing violation means a process holds the file open without
      // sharing deletion: its holder is alive, the file is not stale.
      if (error == ERROR_SHARING_VIOLATION) return removal::in_use;
      if (error != ERROR_FILE_NOT_FOUND && error != ERROR_PATH_NOT_FOUND &&
          !win32::last_error_is_delete_pending())
        ec = win32::error_from(error);
      return removal::gone;
    }
    // Whatever happens to the name from now on, the handle is this file.
    win32::file_info info;
    if (!win32::query_file(win32::handle_of(file), info)) {
      ec = win32::last_error();
      return removal::gone;
    }
    if (info.identity != expected.identity) return removal::replaced;
    rename_away(win32::handle_of(file), lock_path);
    FILE_DISPOSITION_INFO dispose{TRUE};
    if (!::SetFileInformationByHandle(win32::handle_of(file), FileDispositionInfo, &dispose,
                                      sizeof dispose))
      ec = win32::last_error();
    return removal::removed;
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    return removal::gone;
  }
}

bool release_lock_file(const std::filesystem::path& lock_path, file_handle& held, bool,
                       bool sync_directory, std::error_code& ec) noexcept {
  ec.clear();
  // Through our own handle, so exactly our file moves, wherever it is; it was
  // opened delete-on-close and goes when the caller closes that handle.
  try {
    rename_away(win32::handle_of(held), lock_path);
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    return false;
  }
  // A detached lock's handle is not delete-on-close: mark it for deletion.
  FILE_DISPOSITION_INFO dispose{TRUE};
  ::SetFileInformationByHandle(win32::handle_of(held), FileDispositionInfo, &dispose,
                               sizeof dispose);
  // Commits the rename's metadata, as after publishing.
  if (sync_directory && !::FlushFileBuffers(win32::handle_of(held))) ec = win32::last_error();
  return true;
}

}  // namespace uuid_filelock::detail
