#include "settings.hpp"

#include <cmath>
#include <iostream>
#include <limits>

#include "printable.hpp"

namespace uuid_filelock::tool {

std::chrono::nanoseconds seconds_to_duration(double seconds) {
  // Beyond ~292 years a nanosecond count overflows; that long is forever.
  constexpr double kLongest = 9.0e9;
  const double clamped = std::isfinite(seconds) ? std::min(seconds, kLongest) : kLongest;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(clamped * 1e9)));
}

options lock_options(const settings& s) {
  options opts;
  opts.retry_interval = seconds_to_duration(s.retry_interval_seconds);
  opts.advisory = s.advisory;
  if (s.stale_after_seconds) opts.stale_after = seconds_to_duration(*s.stale_after_seconds);
  if (s.verify_delay_seconds) opts.verify_delay = seconds_to_duration(*s.verify_delay_seconds);
  opts.heartbeat = s.heartbeat;
  opts.filesystem = s.filesystem;
  opts.description = s.description;
  return opts;
}

void report_error(const std::filesystem::path& path, const std::error_code& ec) {
  // The message is the system's or the library's own text, not the lock's.
  std::cerr << "uuid-filelock: " << printable_path(path) << ": " << ec.message() << "\n";
}

}  // namespace uuid_filelock::tool
