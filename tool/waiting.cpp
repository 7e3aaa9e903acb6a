#include "waiting.hpp"

#include <algorithm>
#include <iostream>

#include "holder_text.hpp"
#include "printable.hpp"
#include "terminal.hpp"

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
    std::cerr << kClearLine << "waiting for " << printable_path(s.lock_file) << " - "
              << describe_holder(lock.last_holder()) << std::flush;
    shown = true;
  }
  if (shown) std::cerr << kClearLine << std::flush;
  return lock.owns_lock();
}

}  // namespace

acquisition acquire_for_tool(UUIDFileLock& lock, const settings& s) {
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
  if (ec == std::errc::no_such_process) {
    std::cerr << "uuid-filelock: the owner given for " << printable_path(s.lock_file) << ", pid "
              << lock.lock_options().companion_pid << ", does not exist\n";
    return acquisition::failed;
  }
  if (ec) {
    report_error(s.lock_file, ec);
    return acquisition::failed;
  }
  if (acquired) {
    if (s.level == verbosity::verbose)
      std::cerr << "uuid-filelock: acquired " << printable_path(s.lock_file) << " (" << lock.token()
                << ")\n";
    return acquisition::acquired;
  }
  // The holder the last attempt saw: a second look could find the lock
  // free, or taken by the next holder, and report a reason that never was.
  const bool one_attempt = s.timeout_seconds && *s.timeout_seconds == 0;
  std::cerr << "uuid-filelock: " << (one_attempt ? "could not acquire " : "timed out waiting for ")
            << printable_path(s.lock_file) << ": " << describe_holder(lock.last_holder()) << "\n";
  return acquisition::not_acquired;
}

}  // namespace uuid_filelock::tool
