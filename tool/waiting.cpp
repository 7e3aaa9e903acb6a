#include "waiting.hpp"

#include <algorithm>
#include <iostream>

#include "exit_codes.hpp"
#include "holder_text.hpp"
#include "printable.hpp"
#include "terminal.hpp"
#include "uuid_filelock/inspect.hpp"

namespace uuid_filelock::tool {
namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Carriage return, then erase to the end of the line: the line is redrawn in
// place and leaves nothing behind when cleared.
constexpr const char* kClearLine = "\r\033[K";

// Waits in slices of at most a second, redrawing the status line between
// them. Timed waits poll the holder every few milliseconds anyway, so the
// slicing costs nothing in hand-over time.
bool wait_showing_status(UUIDFileLock& lock, const settings& s, steady::time_point deadline,
                         std::error_code& ec) {
  bool shown = false;
  for (;;) {
    const steady::duration left = deadline - steady::now();
    if (lock.try_lock_for(std::min<steady::duration>(left, 1s), ec) || ec) break;
    if (steady::now() >= deadline) break;
    std::error_code ignored;
    const lock_status status = inspect_lock(lock.path(), lock.lock_options(), ignored);
    std::cerr << kClearLine << "waiting for " << printable_path(s.lock_file) << " - "
              << describe_holder(status) << std::flush;
    shown = true;
  }
  if (shown) std::cerr << kClearLine << std::flush;
  return lock.owns_lock();
}

}  // namespace

int acquire_for_tool(UUIDFileLock& lock, const settings& s) {
  std::error_code ec;
  bool acquired = false;
  if (s.timeout_seconds && *s.timeout_seconds == 0) {
    acquired = lock.try_lock(ec);
  } else if (s.level != verbosity::quiet && stderr_is_terminal()) {
    const steady::time_point deadline =
        s.timeout_seconds ? steady::now() + seconds_to_duration(*s.timeout_seconds)
                          : steady::time_point::max();
    acquired = wait_showing_status(lock, s, deadline, ec);
  } else if (s.timeout_seconds) {
    acquired = lock.try_lock_for(seconds_to_duration(*s.timeout_seconds), ec);
  } else {
    lock.acquire(ec);
    acquired = !ec;
  }
  if (ec) {
    report_error(s.lock_file, ec);
    return kLockError;
  }
  if (acquired) {
    if (s.level == verbosity::verbose)
      std::cerr << "uuid-filelock: acquired " << printable_path(s.lock_file) << " (" << lock.token()
                << ")\n";
    return kOk;
  }
  std::error_code ignored;
  const lock_status holder = inspect_lock(lock.path(), lock.lock_options(), ignored);
  std::cerr << "uuid-filelock: timed out waiting for " << printable_path(s.lock_file) << ": "
            << describe_holder(holder) << "\n";
  return kTimeout;
}

}  // namespace uuid_filelock::tool
