// Who holds a lock, and whether that process still runs.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail {
namespace {

// The first line of a small system file, read with O_CLOEXEC (an ifstream
// would leak its descriptor into a child exec()ed by another thread).
std::string first_line_of(const char* path) {
  const file_handle file(posix::retry_on_eintr([&] { return ::open(path, O_RDONLY | O_CLOEXEC); }));
  if (!file.is_open()) return {};
  char buf[512];
  const ssize_t got = posix::retry_on_eintr(
      [&] { return ::read(static_cast<int>(file.native()), buf, sizeof buf - 1); });
  if (got <= 0) return {};
  const std::string text(buf, static_cast<std::size_t>(got));
  return text.substr(0, text.find('\n'));
}

struct proc_stat {
  bool found = false;
  char state = '?';
  std::uint64_t start_time = 0;
};

// /proc/<pid>/stat: the state (field 3) and start time in clock ticks since
// boot (field 22). The command name (field 2) may hold spaces and
// parentheses, so fields are counted from its closing parenthesis.
proc_stat read_proc_stat(std::uint64_t pid) {
  proc_stat result;
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%llu/stat", static_cast<unsigned long long>(pid));
  const std::string line = first_line_of(path);
  if (line.empty()) return result;
  const std::size_t name_end = line.rfind(')');
  if (name_end == std::string::npos || name_end + 2 >= line.size()) return result;
  result.found = true;
  result.state = line[name_end + 2];
  std::size_t position = name_end + 2;
  for (int field = 3; field < 22 && position != std::string::npos; ++field) {
    position = line.find(' ', position);
    if (position != std::string::npos) ++position;
  }
  if (position != std::string::npos)
    result.start_time = std::strtoull(&line[position], nullptr, 10);
  return result;
}

bool have_proc() { return ::access("/proc/self/stat", R_OK) == 0; }

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
  // makes a fork()ed child look its identity up afresh.
  thread_local process_identity cached;
  const std::uint64_t pid = current_pid();
  if (cached.pid != pid) {
    try {
      process_identity self;
      self.pid = pid;
      self.start_time = read_proc_stat(pid).start_time;
      char host[256] = {};
      if (::gethostname(host, sizeof host - 1) == 0) self.host = host;
      self.machine_id = first_line_of("/etc/machine-id");
      if (self.machine_id.empty()) self.machine_id = first_line_of("/var/lib/dbus/machine-id");
      self.boot_id = first_line_of("/proc/sys/kernel/random/boot_id");
      char ns[64] = {};
      const ssize_t length = ::readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
      if (length > 0) self.pid_namespace.assign(ns, static_cast<std::size_t>(length));
      cached = std::move(self);
    } catch (...) {
      cached = process_identity{};
      cached.pid = pid;
    }
  }
  return cached;
}

process_state process_status(std::uint64_t pid, std::uint64_t start_time) noexcept {
  if (pid == 0) return process_state::unknown;
  try {
    if (have_proc()) {
      const proc_stat stat = read_proc_stat(pid);
      if (!stat.found) return process_state::gone;
      // A zombie has exited: its descriptors, and advisory locks, are gone.
      if (stat.state == 'Z' || stat.state == 'X') return process_state::gone;
      // Another process with a reused pid started at another time.
      return stat.start_time == start_time ? process_state::running : process_state::gone;
    }
  } catch (...) {
    return process_state::unknown;
  }
  // Without /proc (macOS, BSD) only existence can be checked: a reused pid
  // keeps a dead lock alive until stale_after, never the reverse.
  if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) return process_state::running;
  return errno == ESRCH ? process_state::gone : process_state::unknown;
}

}  // namespace uuid_filelock::detail
