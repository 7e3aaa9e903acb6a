// Error codes of the lock protocol itself. OS failures are reported with
// std::system_category() codes (errno / GetLastError), as std::filesystem does.
#pragma once

#include <system_error>

namespace uuid_filelock {

enum class errc {
  // The lock was not acquired within the configured timeout. Compares equal
  // to std::errc::timed_out.
  timeout = 1,
  // release(): the lock file was removed or replaced by someone else while
  // this object believed it held the lock. The other file is left alone.
  lock_lost,
  // release() on an object that does not hold the lock. Compares equal to
  // std::errc::operation_not_permitted (what std::unique_lock::unlock throws).
  not_held,
  // The lock path names a FIFO, socket or device; it is never opened for
  // writing and never removed.
  not_a_regular_file,
  // The lock path names a regular file that is no lock record: neither one
  // of ours, nor the original Python library's UUID-only record, nor empty.
  // Perhaps a data file the lock path was pointed at by mistake, perhaps a
  // co-user's bait: it is reported at once and never removed, not even by a
  // forced break.
  not_a_lock_file,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace uuid_filelock

template <>
struct std::is_error_code_enum<uuid_filelock::errc> : std::true_type {};
