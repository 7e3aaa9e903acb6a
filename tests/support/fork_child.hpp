// fork(), where it exists: for the tests proving that a fork()ed child of a
// holder neither releases nor keeps its parent's lock.
#pragma once

#include <functional>

#include "child_process.hpp"

namespace uuid_filelock::test {

// Whether this OS has fork() (Windows does not).
bool can_fork();

// Runs `child` in a fork()ed copy of this process, which then exits with its
// result (std::exit: exit handlers run, as in a real child). Throws where
// there is no fork().
process_id fork_child(const std::function<int()>& child);

// Waits for a fork()ed child to end: its exit code, or ChildProcess::kTerminated.
int wait_forked(process_id pid);

}  // namespace uuid_filelock::test
