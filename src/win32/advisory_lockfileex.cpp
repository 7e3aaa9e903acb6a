// The advisory layer under the UUID protocol, with LockFileEx.
//
// Windows byte-range locks are mandatory for reads and writes of the locked
// range, so the lock covers one byte far beyond any record (offset 2^62):
// readers of the record are never blocked by it. Locks belong to the handle
// and go when it closes, including when the kernel closes the handles of a
// terminated process -- which is what lets waiters block on a holder and wake
// the moment it releases or dies.
#include "win32_io.hpp"

namespace uuid_filelock::detail {
namespace {

OVERLAPPED lock_range() {
  OVERLAPPED range{};
  range.OffsetHigh = 0x40000000;
  return range;
}

bool is_unsupported(DWORD error) {
  return error == ERROR_NOT_SUPPORTED || error == ERROR_INVALID_FUNCTION ||
         error == ERROR_INVALID_PARAMETER;
}

}  // namespace

namespace win32 {

bool take_exclusive_advisory_lock(HANDLE file) noexcept {
  OVERLAPPED range = lock_range();
  // The file is new and unpublished: nobody else can hold a lock on it.
  return ::LockFileEx(file, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &range) !=
         FALSE;
}

}  // namespace win32

void drop_advisory_lock(const file_handle& file) noexcept {
  if (!file.is_open()) return;
  OVERLAPPED range = lock_range();
  ::UnlockFileEx(win32::handle_of(file), 0, 1, 0, &range);
}

advisory_state wait_for_advisory_lock(const file_handle& file, bool block,
                                      std::error_code& ec) noexcept {
  ec.clear();
  OVERLAPPED range = lock_range();
  // Shared, so that waiters never block one another: all that matters is
  // whether the holder's exclusive lock is still there.
  const DWORD flags = block ? 0 : LOCKFILE_FAIL_IMMEDIATELY;
  if (::LockFileEx(win32::handle_of(file), flags, 0, 1, 0, &range)) return advisory_state::free;
  const DWORD error = ::GetLastError();
  if (error == ERROR_LOCK_VIOLATION || error == ERROR_IO_PENDING) return advisory_state::held;
  if (is_unsupported(error)) return advisory_state::unsupported;
  ec = win32::error_from(error);
  return advisory_state::unsupported;
}

}  // namespace uuid_filelock::detail
