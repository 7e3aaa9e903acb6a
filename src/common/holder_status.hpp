// What a lock record tells people about its holder: the lock_status that
// inspect_lock() returns and UUIDFileLock::last_holder() keeps.
#pragma once

#include <chrono>

#include "record.hpp"
#include "uuid_filelock/inspect.hpp"

namespace uuid_filelock::detail {

lock_status holder_status(const holder_record& record, lock_state state,
                          std::chrono::nanoseconds age);

}  // namespace uuid_filelock::detail
