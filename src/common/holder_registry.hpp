// The lock files this process holds, and which thread took each: lets a
// thread that waits for a lock it already holds through another object fail
// at once instead of waiting for itself forever.
#pragma once

#include <cstdint>

#include "uuid_filelock/detail/file_identity.hpp"

namespace uuid_filelock::detail {

void register_holder(const file_identity& file, std::uint64_t pid);
void unregister_holder(const file_identity& file) noexcept;
// True if this thread of process `pid` holds `file`. Entries a fork()ed child
// inherited belong to its parent's pid and never match.
bool held_by_this_thread(const file_identity& file, std::uint64_t pid);

}  // namespace uuid_filelock::detail
