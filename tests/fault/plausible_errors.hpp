// Which errno values each wrapped call can plausibly fail with: what its
// manual page lists, what network filesystems add (ESTALE, EIO), and a few
// that decide a fallback in the library (EOPNOTSUPP for O_TMPFILE, ENOLCK
// for flock). Failing a call with an errno it can never return would test
// nothing but the test.
#pragma once

#include <string>
#include <vector>

#include "syscall_faults.hpp"

namespace uuid_filelock::fault {

std::vector<int> plausible_errors(const recorded_call& call);

// "EINTR", "ENOSPC"...
std::string errno_name(int error);

}  // namespace uuid_filelock::fault
