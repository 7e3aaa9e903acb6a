// The process that started the tool: `acquire --owner-parent` holds the lock
// for it, as `dotlockfile -p` and `lockfile-create --use-pid` do.
#pragma once

#include <cstdint>

namespace uuid_filelock::tool {

// 0 where the OS cannot say.
std::uint64_t parent_process_id();

}  // namespace uuid_filelock::tool
