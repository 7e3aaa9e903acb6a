// Built with UUID_FILELOCK_ADVISORY=OFF: no advisory layer. Holders are then
// judged by their record alone (pid, process creation time, boot) and waiters
// poll every retry_interval; a dead holder's file still deletes itself.
#include "win32_io.hpp"

namespace uuid_filelock::detail {

namespace win32 {

bool take_exclusive_advisory_lock(HANDLE) noexcept { return false; }

}  // namespace win32

void drop_advisory_lock(const file_handle&) noexcept {}

advisory_state wait_for_advisory_lock(const file_handle&, bool, std::error_code& ec) noexcept {
  ec.clear();
  return advisory_state::unsupported;
}

}  // namespace uuid_filelock::detail
