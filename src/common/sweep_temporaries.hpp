// Removing the temporary records of contenders that died before publishing.
#pragma once

#include "break_stale_lock.hpp"

#include <filesystem>

namespace uuid_filelock::detail {

// Where temporary records have names (no O_TMPFILE: network filesystems,
// macOS, BSD; detached locks on Windows), a contender killed while waiting
// leaves its ".uuid-filelock-<uuid>.tmp" behind. Each is a full record of its
// creator, so it is judged like a lock: one whose creator is certainly dead
// (its process gone on this boot, or an earlier boot of this machine) is
// removed; any other (a live contender's, another host's) stays. A process
// sweeps a directory at most once every few seconds: contenders call this
// whenever they start waiting.
//
// It also removes the markers of breakers that died mid-break
// (".uuid-filelock-*.break", see break_stale_lock): empty ones older than a
// break can take by `filesystem_now`. Only a later break of the very same
// stale record would find one otherwise, and none ever comes.
void sweep_temporaries(const std::filesystem::path& lock_path,
                       const filesystem_clock_reader& filesystem_now) noexcept;

}  // namespace uuid_filelock::detail
