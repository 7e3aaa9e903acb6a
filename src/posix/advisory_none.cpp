// Built with UUID_FILELOCK_ADVISORY=OFF: no advisory layer. Holders are then
// judged by their record alone (pid, process start time, boot) and waiters
// poll every retry_interval.
#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail {

namespace posix {

bool take_exclusive_advisory_lock(int) noexcept { return false; }

}  // namespace posix

void drop_advisory_lock(const file_handle&) noexcept {}

advisory_state wait_for_advisory_lock(const file_handle&, bool, std::error_code& ec) noexcept {
  ec.clear();
  return advisory_state::unsupported;
}

}  // namespace uuid_filelock::detail
