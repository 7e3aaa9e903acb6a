#pragma once

#include <filesystem>
#include <system_error>

#include "backend.hpp"
#include "uuid_filelock/options.hpp"

namespace uuid_filelock::detail {

enum class break_outcome {
  gone,          // the stale file is gone, whoever removed it
  breaker_busy,  // another contender is breaking it right now
  holder_alive,  // the OS refused: a process still holds it open (Windows)
};

// Removes the lock file `stale` (judged to have no live holder) if the lock
// path still holds exactly it.
break_outcome break_stale_lock(const std::filesystem::path& lock_path,
                               const lock_file_snapshot& stale, const options& opts,
                               std::error_code& ec);

}  // namespace uuid_filelock::detail
