// Who holds a lock, and whether that process still runs: the record's
// liveness facts, which are evidence only where the OS says so. "Cannot see
// it" (another user's process under /proc's hidepid, a /proc of another pid
// namespace, too many open files) is `unknown`, never `gone`.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "../common/backend.hpp"
#include "proc_files.hpp"

namespace uuid_filelock::detail {
namespace {

// A process's /proc/<pid>/stat (0: this process's) with its start time as
// every reader of /proc sees it (see boot_clock_offset_ticks); nullopt where
// /proc cannot tell: a /proc of another pid namespace, hidepid, EMFILE.
std::optional<posix::proc_stat> normalized_stat(std::uint64_t pid) noexcept {
  if (!posix::proc_describes_caller()) return std::nullopt;
  std::optional<posix::proc_stat> stat = posix::read_proc_stat(pid);
  const std::optional<std::int64_t> offset = posix::boot_clock_offset_ticks();
  if (!stat || !offset) return std::nullopt;
  stat->start_time -= static_cast<std::uint64_t>(*offset);
  return stat;
}

// A file's first line, or "" where it does not exist; nullopt where it
// could not be read, which must not be remembered as "no such id".
std::optional<std::string> optional_id(const char* path) noexcept {
  posix::proc_text text = posix::first_line_of(path);
  if (text.read) return std::move(text.first_line);
  if (text.missing) return std::string();
  return std::nullopt;
}

// The program's file name, as it was started (argv[0] without its
// directory), which unlike /proc/self/comm is not cut at 15 bytes.
std::string program_name() {
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
  const char* name = ::getprogname();
#else
  const char* name = program_invocation_short_name;
#endif
  return name != nullptr ? name : "";
}

// Looks the calling process up; false if any lookup failed for a reason that
// may pass (EMFILE, ENOMEM), so that the result is used once, not cached.
bool look_up(process_identity& self) noexcept {
  bool complete = true;
  // A record must never carry a value that was not read: 0 is left out.
  self.start_time = start_time_of(0);
  complete = complete && self.start_time != 0;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) {
    self.host = host;
  } else {
    complete = false;
  }
  std::optional<std::string> machine = optional_id("/etc/machine-id");
  if (machine && machine->empty()) machine = optional_id("/var/lib/dbus/machine-id");
  complete = complete && machine.has_value();
  self.machine_id = machine.value_or(std::string());
  const std::optional<std::string> boot = optional_id("/proc/sys/kernel/random/boot_id");
  complete = complete && boot.has_value() && !boot->empty();
  self.boot_id = boot.value_or(std::string());
  char ns[64] = {};
  const ssize_t length = ::readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
  if (length > 0) self.pid_namespace.assign(ns, static_cast<std::size_t>(length));
  self.program = program_name();
  return complete && length > 0;
}

}  // namespace

std::uint64_t current_pid() noexcept {
  // Asked of the kernel every time (a fraction of a microsecond), never
  // cached: children made by _Fork(), clone() or syscall(SYS_fork) run no
  // pthread_atfork handler, and a cached pid would let them believe they own
  // their parent's lock and release it.
  return static_cast<std::uint64_t>(::getpid());
}

const process_identity& current_process() noexcept {
  // Looked up once per thread and process, not per attempt; the pid check
  // makes a fork()ed child look its identity up afresh. A lookup that failed
  // in part (the first lock call under EMFILE) is not kept: every later record
  // of the thread would carry its holes. (Where a part can never be had,
  // such as the start time in a pid namespace without its own /proc, the
  // lookup is repeated per acquisition: a few microseconds.)
  thread_local process_identity cached;
  thread_local bool cached_complete = false;
  const std::uint64_t pid = current_pid();
  if (cached.pid != pid || !cached_complete) {
    try {
      process_identity self;
      self.pid = pid;
      cached_complete = look_up(self);
      cached = std::move(self);
    } catch (...) {
      cached = process_identity{};
      cached.pid = pid;
      cached_complete = false;
    }
  }
  return cached;
}

std::uint64_t start_time_of(std::uint64_t pid) noexcept {
  const std::optional<posix::proc_stat> stat = normalized_stat(pid);
  return stat ? stat->start_time : 0;
}

process_state process_status(std::uint64_t pid, std::uint64_t start_time) noexcept {
  if (pid == 0) return process_state::unknown;
  // kill(pid, 0) asks the kernel of the caller's own pid namespace, whatever
  // /proc shows: ESRCH is proof that no such process exists. EPERM means it
  // exists (another user's), as does success.
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)
    return errno == ESRCH ? process_state::gone : process_state::unknown;
  // It exists; whether it is the holder or a later process given the same
  // pid only its start time tells, and only a /proc of our pid namespace
  // that lets us read it (hidepid hides other users' processes). Without
  // macOS and BSD's /proc a reused pid keeps a dead lock alive until
  // stale_after, never the reverse.
  if (start_time == 0) return process_state::unknown;
  const std::optional<posix::proc_stat> stat = normalized_stat(pid);
  if (!stat) return process_state::unknown;
  const std::uint64_t started = stat->start_time;
  // Time namespace offsets that are not whole clock ticks may round the two
  // readings a tick apart; erring that way only keeps a dead lock longer.
  const std::uint64_t gap = started > start_time ? started - start_time : start_time - started;
  if (gap > 1) return process_state::gone;  // another process, with the holder's pid reused
  if (stat->state != 'Z' && stat->state != 'X') return process_state::running;
  // A zombie: the process exited, and its descriptors and advisory locks with
  // it; unless only its main thread did (pthread_exit) and others run on.
  const std::optional<bool> threads = posix::has_live_threads(pid);
  if (!threads) return process_state::unknown;
  return *threads ? process_state::running : process_state::gone;
}

}  // namespace uuid_filelock::detail
