#include <algorithm>
#include <utility>

#include "uuid_filelock/errc.hpp"
#include "win32_io.hpp"

namespace uuid_filelock::detail {
namespace {

using win32::handle_of;

// Never takes in more than max_bytes (+1 to notice a larger file): a huge
// file at the lock path costs one small read. Reads at explicit offsets, so
// a handle shared with other readers of this process never moves.
std::error_code read_bounded(HANDLE file, std::size_t max_bytes, lock_file_snapshot& snapshot) {
  const std::size_t want = max_bytes + 1;
  snapshot.bytes.resize(want);
  std::size_t filled = 0;
  while (filled < want) {
    OVERLAPPED at{};
    at.Offset = static_cast<DWORD>(filled);
    DWORD got = 0;
    int attempt = 0;
    while (
        !::ReadFile(file, &snapshot.bytes[filled], static_cast<DWORD>(want - filled), &got, &at)) {
      const DWORD error = ::GetLastError();
      if (error == ERROR_HANDLE_EOF) break;
      // Range locks are mandatory on Windows: someone else's lock on the
      // record's bytes fails reads until it goes.
      if (!win32::is_transient(error) || ++attempt >= win32::kTransientAttempts)
        return win32::error_from(error);
      win32::pause_after_transient(attempt - 1);
    }
    if (got == 0) break;
    filled += got;
  }
  snapshot.truncated = filled > max_bytes;
  snapshot.bytes.resize(std::min(filled, max_bytes));
  return {};
}

// Opens the lock file for reading, as itself (never through a reparse
// point), sharing everything. A missing or deleted-but-still-open file is
// INVALID_HANDLE_VALUE with no error.
HANDLE open_for_reading(const std::wstring& path, std::error_code& ec) {
  for (int attempt = 0;; ++attempt) {
    const HANDLE file =
        win32::open_file(path, GENERIC_READ, win32::kShareAll, OPEN_EXISTING, win32::kOpenAsIs);
    if (file != INVALID_HANDLE_VALUE) return file;
    const DWORD error = ::GetLastError();
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return INVALID_HANDLE_VALUE;
    if (win32::last_error_is_delete_pending()) {
      // Its holder is gone and its name goes once the last reader closes it,
      // in a moment: a short pause keeps contenders from spinning on it.
      ::Sleep(1);
      return INVALID_HANDLE_VALUE;
    }
    if (!win32::is_transient(error) || attempt + 1 >= win32::kTransientAttempts) {
      ec = win32::error_from(error);
      return INVALID_HANDLE_VALUE;
    }
    win32::pause_after_transient(attempt);
  }
}

}  // namespace

lock_file_snapshot read_lock_file(const std::filesystem::path& lock_path, std::size_t max_bytes,
                                  bool keep_open, std::error_code& ec) noexcept {
  ec.clear();
  lock_file_snapshot snapshot;
  try {
    if (win32::names_a_device(lock_path)) {
      ec = errc::not_a_regular_file;
      return snapshot;
    }
    file_handle file = win32::adopt(open_for_reading(win32::native_path(lock_path), ec));
    if (!file.is_open()) return snapshot;
    win32::file_info info;
    if (!win32::query_file(handle_of(file), info)) {
      ec = win32::last_error();
      return snapshot;
    }
    // A directory, symlink or junction is refused, and so is anything that
    // is not a disk file (a device reached through some other name).
    if ((info.attributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) != 0 ||
        ::GetFileType(handle_of(file)) != FILE_TYPE_DISK) {
      ec = win32::not_regular_error(info.attributes);
      return snapshot;
    }
    ec = read_bounded(handle_of(file), max_bytes, snapshot);
    if (ec) return snapshot;
    snapshot.exists = true;
    snapshot.identity = info.identity;
    snapshot.modified = info.modified;
    if (keep_open) snapshot.file = std::move(file);
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
  }
  return snapshot;
}

lock_file_snapshot read_own_lock_file(const std::filesystem::path& lock_path,
                                      const file_handle& file, const file_identity& identity,
                                      std::size_t, std::size_t max_bytes,
                                      std::error_code& ec) noexcept {
  lock_file_snapshot snapshot;
  snapshot.exists = path_names(lock_path, identity, ec);
  if (ec || !snapshot.exists) return snapshot;
  // Same file, same cache: what our handle reads is what the path shows.
  snapshot.identity = identity;
  try {
    ec = read_bounded(handle_of(file), max_bytes, snapshot);
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
  }
  return snapshot;
}

bool path_names(const std::filesystem::path& lock_path, const file_identity& identity,
                std::error_code& ec) noexcept {
  ec.clear();
  try {
    // Attributes only: opens even what is locked or shared restrictively.
    const file_handle file =
        win32::adopt(win32::open_file(win32::native_path(lock_path), FILE_READ_ATTRIBUTES,
                                      win32::kShareAll, OPEN_EXISTING, win32::kOpenAsIs));
    if (!file.is_open()) {
      const DWORD error = ::GetLastError();
      if (error != ERROR_FILE_NOT_FOUND && error != ERROR_PATH_NOT_FOUND &&
          !win32::last_error_is_delete_pending())
        ec = win32::error_from(error);
      return false;
    }
    win32::file_info info;
    if (!win32::query_file(handle_of(file), info)) {
      ec = win32::last_error();
      return false;
    }
    return info.identity == identity;
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    return false;
  }
}

}  // namespace uuid_filelock::detail
