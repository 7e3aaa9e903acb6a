// What Linux's /proc says about processes, and whether it may be believed.
// Every lookup tells "not there" (ENOENT) apart from "could not look" (any
// other failure: EMFILE, EACCES under hidepid, no /proc at all), because only
// the first is evidence; the second is "unknown".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace uuid_filelock::detail::posix {

struct proc_text {
  bool read = false;     // the file was read (an empty one is read and empty)
  bool missing = false;  // the file does not exist (ENOENT): evidence, not a failure
  std::string first_line;
};

// The first line of a small system file, read with O_CLOEXEC (an ifstream
// would leak its descriptor into a child exec()ed by another thread).
proc_text first_line_of(const char* path) noexcept;

struct proc_stat {
  char state = '?';              // R, S, D, Z (zombie), X (dead)...
  std::uint64_t start_time = 0;  // clock ticks since boot, in the reader's time namespace
};

// /proc/<pid>/stat (or /proc/self/stat for pid 0); nullopt if it cannot be
// read or parsed, whatever the reason.
std::optional<proc_stat> read_proc_stat(std::uint64_t pid) noexcept;

// Whether /proc describes the calling process's pid namespace: /proc/self
// names our own pid. Not so in a pid namespace that did not mount its own
// /proc (`unshare -p -f` without --mount-proc, some sandboxes), where
// /proc/<pid> is another namespace's process with that number.
bool proc_describes_caller() noexcept;

// How far the calling process's time namespace moves the boot clock, in clock
// ticks (/proc/self/timens_offsets; 0 outside time namespaces). /proc shows
// every process's start time plus the *reader's* offset, so subtracting it
// gives every reader the same number for the same process.
std::optional<std::int64_t> boot_clock_offset_ticks() noexcept;

// Whether a zombie thread-group leader still has live threads: its main
// thread called pthread_exit() and the process runs on. A true zombie (the
// whole process exited, not yet reaped) counts only itself.
std::optional<bool> has_live_threads(std::uint64_t pid) noexcept;

}  // namespace uuid_filelock::detail::posix
