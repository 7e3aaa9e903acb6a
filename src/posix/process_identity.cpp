#include <unistd.h>

#include "../common/backend.hpp"

namespace uuid_filelock::detail {

process_identity current_process() noexcept {
  process_identity self;
  self.pid = static_cast<std::uint64_t>(::getpid());
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) self.host = host;
  return self;
}

}  // namespace uuid_filelock::detail
