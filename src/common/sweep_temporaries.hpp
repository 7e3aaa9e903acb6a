// Removing the temporary records of contenders that died before publishing.
#pragma once

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
void sweep_temporaries(const std::filesystem::path& lock_path) noexcept;

}  // namespace uuid_filelock::detail
