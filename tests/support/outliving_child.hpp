// A child that a lock holder starts and that outlives it, to prove that a
// child inherits nothing that keeps its parent's lock alive.
#pragma once

#include <cstdint>
#include <string>

namespace uuid_filelock::test {

// kind "exec": another program, inheriting all that a child can inherit
// (POSIX: `sleep 600` through posix_spawn, which keeps every descriptor not
// marked close-on-exec; Windows: this program's `sleep 600` mode through
// CreateProcessW with bInheritHandles, which passes every inheritable handle).
// kind "fork" (POSIX only): a fork()ed copy of the caller that sleeps.
// Returns the child's pid; throws if the kind does not exist here.
std::uint64_t start_outliving_child(const std::string& kind);

}  // namespace uuid_filelock::test
