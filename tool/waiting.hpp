// Acquiring for the tool: one attempt, a bounded or an unbounded wait, with a
// status line on a terminal, and the one-line holder report on timeout.
#pragma once

#include "settings.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::tool {

enum class acquisition {
  acquired,
  not_acquired,  // held by another in time; who it was is printed
  failed,        // the lock itself failed; the error is printed
};

acquisition acquire_for_tool(UUIDFileLock& lock, const settings& s);

}  // namespace uuid_filelock::tool
