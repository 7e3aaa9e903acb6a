// Other processes by pid, as the lock's liveness check sees them: for
// records written by hand and for grandchildren no ChildProcess owns.
#pragma once

#include <cstdint>

#include "child_process.hpp"

namespace uuid_filelock::test {

process_id current_process_id();

// When `pid` started, in the units the backend records (POSIX: clock ticks
// since boot, field 22 of /proc/<pid>/stat; Windows: the creation time as a
// FILETIME, 100 ns units since 1601). 0 if the process does not exist.
std::uint64_t process_start_time(process_id pid);

bool process_running(process_id pid);

// Ends `pid` at once (and reaps it, if it is a child of ours).
void kill_process(process_id pid);

}  // namespace uuid_filelock::test
