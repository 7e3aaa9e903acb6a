#include <unistd.h>

#include "../common/backend.hpp"

namespace uuid_filelock::detail {

process_identity current_process() noexcept {
  // The hostname is looked up once per thread and process, not per attempt;
  // the pid check makes a fork()ed child look its identity up afresh.
  thread_local process_identity cached;
  const auto pid = static_cast<std::uint64_t>(::getpid());
  if (cached.pid != pid) {
    char host[256] = {};
    cached.host = ::gethostname(host, sizeof host - 1) == 0 ? host : "";
    cached.pid = pid;
  }
  return cached;
}

}  // namespace uuid_filelock::detail
