// Atomic, exclusive publication of a lock record on Windows.
//
// The record is written to a file of its own first, created with CREATE_NEW
// (never opens an existing entry) and FILE_FLAG_DELETE_ON_CLOSE: whatever
// happens to this process from then on -- an exception, TerminateProcess, a
// crash -- the kernel deletes the file when the last handle to it closes. That
// covers the published lock too, so a dead holder never blocks the lock.
//
// Share mode FILE_SHARE_READ only: others may read the record (status,
// verification), but nobody can open it for writing, nor to delete, rename or
// replace it, while we hold it open. Publication is therefore a rename
// *through our own handle* (SetFileInformationByHandle, FileRenameInfo with
// ReplaceIfExists = FALSE): it fails when the lock name exists, like
// MoveFileExW without MOVEFILE_REPLACE_EXISTING, but needs no second handle
// with DELETE access, which our share mode would refuse. The rename keeps the
// file, its handle, its advisory lock and its delete-on-close.
#include <utility>
#include <vector>

#include "win32_io.hpp"

namespace uuid_filelock::detail {
namespace {

using win32::handle_of;
using win32::last_error;

// Writes `record` at offset 0 and, if asked, flushes it to storage.
std::error_code write_record(HANDLE file, std::string_view record, bool flush) {
  OVERLAPPED at_start{};
  DWORD written = 0;
  if (!::WriteFile(file, record.data(), static_cast<DWORD>(record.size()), &written, &at_start))
    return last_error();
  if (written != record.size()) return std::make_error_code(std::errc::io_error);
  if (flush && !::FlushFileBuffers(file)) return last_error();
  return {};
}

}  // namespace

// The temporary file deletes itself when its handle closes, except a
// detached lock's (no delete-on-close), which is deleted by name.
void discard_temporary(prepared_record& prepared) noexcept {
  if (prepared.temp_path.empty()) return;
  prepared.file.close();
  ::DeleteFileW(prepared.temp_path.c_str());
  prepared.temp_path.clear();
}

prepared_record prepare_record(const std::filesystem::path& lock_path, std::string_view record,
                               std::string_view unique_tag, const publish_settings& settings,
                               std::error_code& ec) noexcept {
  ec.clear();
  prepared_record prepared;
  try {
    ec = win32::check_lock_name(lock_path);
    if (ec) return prepared;
    // A short fixed-length name: a lock name near the limit must not make
    // the temporary name too long. The tag (the acquisition's UUID) makes it
    // unique. POSIX permission bits (settings.mode) have no equivalent: the
    // file inherits the directory's ACL.
    prepared.temp_path =
        lock_path.parent_path() / (".uuid-filelock-" + std::string(unique_tag) + ".tmp");
    prepared.file = win32::adopt(win32::open_file(
        win32::native_path(prepared.temp_path), GENERIC_READ | GENERIC_WRITE | DELETE,
        FILE_SHARE_READ, CREATE_NEW,
        FILE_ATTRIBUTE_NORMAL | (settings.persistent ? 0 : FILE_FLAG_DELETE_ON_CLOSE)));
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    return prepared_record{};
  }
  if (!prepared.file.is_open()) {
    const DWORD error = ::GetLastError();
    try {
      ec = error == ERROR_PATH_NOT_FOUND ? win32::path_not_found_error(lock_path)
                                         : win32::error_from(error);
    } catch (const std::bad_alloc&) {
      ec = win32::error_from(error);
    }
    return prepared_record{};
  }
  const HANDLE file = handle_of(prepared.file);
  // The advisory lock is taken before the file can be seen at the lock path,
  // so nobody ever finds a published record of ours without it.
  prepared.advisory_held = settings.advisory && win32::take_exclusive_advisory_lock(file);
  win32::file_info info;
  ec = write_record(file, record, settings.sync_file);
  if (!ec && !win32::query_file(file, info)) ec = last_error();
  if (ec) return prepared_record{};  // closing the handle deletes the file
  prepared.identity = info.identity;
  return prepared;
}

void rewrite_record(prepared_record& prepared, std::string_view record,
                    const publish_settings& settings, std::error_code& ec) noexcept {
  ec = write_record(handle_of(prepared.file), record, settings.sync_file);
}

std::chrono::system_clock::time_point stamp_record(const file_handle& file, std::string_view record,
                                                   std::error_code& ec) noexcept {
  ec = write_record(handle_of(file), record, false);
  win32::file_info info;
  if (!ec && !win32::query_file(handle_of(file), info)) ec = last_error();
  return ec ? std::chrono::system_clock::time_point{} : info.modified;
}

// Windows always keeps the held file open: it is delete-on-close, and the
// handle is what protects it from deletion.
std::chrono::system_clock::time_point stamp_held_record(const std::filesystem::path&,
                                                        const file_handle& held,
                                                        std::string_view record,
                                                        std::error_code& ec) noexcept {
  return stamp_record(held, record, ec);
}

publish_outcome publish_prepared(prepared_record& prepared, const std::filesystem::path& lock_path,
                                 std::string_view, const publish_settings& settings,
                                 std::error_code& ec) noexcept {
  ec.clear();
  std::wstring target;
  try {
    target = win32::native_path(lock_path);
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    return publish_outcome::already_exists;
  }
  const HANDLE file = handle_of(prepared.file);
  switch (win32::rename_without_replacing(file, target, ec)) {
    case win32::rename_result::renamed: {
      prepared.temp_path.clear();
      // Looked up again: FAT and exFAT derive the id from the directory
      // entry, which the rename may have moved.
      win32::file_info info;
      if (win32::query_file(file, info)) prepared.identity = info.identity;
      // NTFS journals the rename; flushing the file also commits its
      // metadata, the nearest Windows has to syncing the directory.
      if (settings.sync_directory && !::FlushFileBuffers(file)) {
        ec = last_error();
        // A lock we cannot make durable is one we do not keep; it is ours,
        // so taking it back cannot free anyone else's.
        std::error_code ignored;
        release_lock_file(lock_path, prepared.file, true, false, ignored);
        prepared = prepared_record{};
      }
      return publish_outcome::published;
    }
    case win32::rename_result::target_exists:
    case win32::rename_result::failed:
      break;
  }
  return publish_outcome::already_exists;
}

}  // namespace uuid_filelock::detail
