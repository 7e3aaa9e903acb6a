// A file's modification time as a time_point, safely.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace uuid_filelock::detail {

// Anyone who can write a file can set its time to anything (touch -d
// @99999999999999), and the clock's nanosecond count overflows around the
// year 2262. The time is saturated to 2^32 s (about 136 years) either side of
// the epoch, so that neither this conversion nor an age computed from it
// (now - modified) can overflow; such a file is simply very old or very new.
inline std::chrono::system_clock::time_point saturated_file_time(std::int64_t seconds,
                                                                 std::int64_t nanoseconds) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 32;
  if (seconds >= kLimit || seconds < -kLimit) nanoseconds = 0;
  seconds = std::clamp(seconds, -kLimit, kLimit);
  nanoseconds = std::clamp<std::int64_t>(nanoseconds, 0, 999'999'999);
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanoseconds)));
}

}  // namespace uuid_filelock::detail
