// Acquiring for the tool: one attempt, a bounded or an unbounded wait, with a
// status line on a terminal, and the one-line holder report on timeout.
#pragma once

#include <system_error>

#include "settings.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::tool {

// kOk when acquired; kTimeout (after printing who holds it) or kLockError
// (after printing the error) otherwise.
int acquire_for_tool(UUIDFileLock& lock, const settings& s);

}  // namespace uuid_filelock::tool
