#pragma once

#include <chrono>

namespace uuid_filelock::detail {

// `interval` scaled by a random factor in [0.8, 1.2]: contenders that found
// the lock held at the same moment spread out instead of retrying in lockstep.
std::chrono::nanoseconds jittered(std::chrono::nanoseconds interval);

}  // namespace uuid_filelock::detail
