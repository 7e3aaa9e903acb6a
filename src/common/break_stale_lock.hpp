#pragma once

#include <filesystem>
#include <system_error>

#include "backend.hpp"
#include "uuid_filelock/options.hpp"

namespace uuid_filelock::detail {

// Removes the lock file `stale` (judged to have no live holder) if the lock
// path still holds exactly it. False if another breaker is at work on it;
// true once it is gone, whoever removed it.
bool break_stale_lock(const std::filesystem::path& lock_path, const lock_file_snapshot& stale,
                      const options& opts, std::error_code& ec);

}  // namespace uuid_filelock::detail
