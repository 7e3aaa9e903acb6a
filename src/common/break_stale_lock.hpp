#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <system_error>

#include "backend.hpp"
#include "uuid_filelock/options.hpp"

namespace uuid_filelock::detail {

enum class break_outcome {
  gone,          // the stale file is gone, or changed: look at the lock path afresh
  breaker_busy,  // another contender is breaking it right now
  holder_alive,  // the OS refused: a process still holds it open (Windows)
};

// Reads the filesystem's clock (the file server's on a network filesystem):
// empty where it cannot be read.
using filesystem_clock_reader =
    std::function<std::optional<std::chrono::system_clock::time_point>()>;

// What breaking needs to know of the lock's filesystem.
struct break_setting {
  bool local;           // one kernel serves every contender (see is_local_filesystem)
  bool sync_directory;  // flush the directory after the removal
  // A forced break of a live holder's lock (break_lock with force): no claim
  // can be had while the holder keeps its advisory lock, so the removal's
  // own check is all that makes it exact.
  bool forced;
  // The filesystem's clock (the file server's on a network filesystem);
  // empty where it cannot be read. Asked only to age a marker.
  filesystem_clock_reader filesystem_now;
};

// The marker breakers of `stale` serialise on where they cannot claim it.
// Every breaker must pick the same one; network clients number files each
// their own way (sshfs per mount), so the lock's name and the stale file's
// content name it: every host reads the same bytes.
std::filesystem::path break_marker_path(const std::filesystem::path& lock_path,
                                        const lock_file_snapshot& stale);

// Whether `seen` (read at a marker's name) is a marker its breaker left when
// it died: empty, and older than a break can take by the filesystem's clock.
// Anything else at a marker's name is left alone.
bool is_abandoned_marker(const lock_file_snapshot& seen,
                         const filesystem_clock_reader& filesystem_now);

// Removes the lock file `stale` (judged to have no live holder) if the lock
// path still holds exactly it. `stale` keeps the breakers' claim on it
// until the snapshot is closed.
break_outcome break_stale_lock(const std::filesystem::path& lock_path, lock_file_snapshot& stale,
                               const break_setting& setting, std::error_code& ec);

}  // namespace uuid_filelock::detail
