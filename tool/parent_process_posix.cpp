#include <unistd.h>

#include "parent_process.hpp"

namespace uuid_filelock::tool {

std::uint64_t parent_process_id() { return static_cast<std::uint64_t>(::getppid()); }

}  // namespace uuid_filelock::tool
