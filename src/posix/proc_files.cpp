#include "proc_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "../common/backend.hpp"
#include "posix_io.hpp"

namespace uuid_filelock::detail::posix {
namespace {

std::string proc_path(std::uint64_t pid, const char* file) {
  char path[64];
  if (pid == 0) {
    std::snprintf(path, sizeof path, "/proc/self/%s", file);
  } else {
    std::snprintf(path, sizeof path, "/proc/%llu/%s", static_cast<unsigned long long>(pid), file);
  }
  return path;
}

// A whole small /proc file (they are generated at once, a page at most).
proc_text read_small_file(const char* path, std::string& text) noexcept {
  proc_text result;
  const file_handle file(retry_on_eintr([&] { return ::open(path, O_RDONLY | O_CLOEXEC); }));
  if (!file.is_open()) {
    result.missing = errno == ENOENT;
    return result;
  }
  char buf[1024];
  const ssize_t got =
      retry_on_eintr([&] { return ::read(static_cast<int>(file.native()), buf, sizeof buf); });
  if (got < 0) return result;
  try {
    text.assign(buf, static_cast<std::size_t>(got));
  } catch (...) {
    return result;
  }
  result.read = true;
  return result;
}

}  // namespace

proc_text first_line_of(const char* path) noexcept {
  std::string text;
  proc_text result = read_small_file(path, text);
  if (result.read) {
    text.resize(std::min(text.find('\n'), text.size()));
    result.first_line = std::move(text);
  }
  return result;
}

std::optional<proc_stat> read_proc_stat(std::uint64_t pid) noexcept {
  try {
    std::string line;
    if (!read_small_file(proc_path(pid, "stat").c_str(), line).read) return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses, so fields
    // are counted from its closing parenthesis: the state is field 3, the
    // start time field 22.
    const std::size_t name_end = line.rfind(')');
    if (name_end == std::string::npos || name_end + 2 >= line.size()) return std::nullopt;
    proc_stat result;
    result.state = line[name_end + 2];
    std::size_t position = name_end + 2;
    for (int field = 3; field < 22 && position != std::string::npos; ++field) {
      position = line.find(' ', position);
      if (position != std::string::npos) ++position;
    }
    if (position == std::string::npos) return std::nullopt;
    result.start_time = std::strtoull(&line[position], nullptr, 10);
    return result;
  } catch (...) {
    return std::nullopt;
  }
}

bool proc_describes_caller() noexcept {
  char target[32] = {};
  const ssize_t length = ::readlink("/proc/self", target, sizeof target - 1);
  if (length <= 0) return false;
  return std::strtoull(target, nullptr, 10) == static_cast<unsigned long long>(::getpid());
}

std::optional<std::int64_t> boot_clock_offset_ticks() noexcept {
  try {
    std::string text;
    const proc_text file = read_small_file("/proc/self/timens_offsets", text);
    // Kernels before 5.6 have no time namespaces, and no such file.
    if (file.missing) return 0;
    if (!file.read) return std::nullopt;
    const std::size_t at = text.find("boottime");
    if (at == std::string::npos) return 0;
    long long seconds = 0;
    long long nanoseconds = 0;
    if (std::sscanf(text.c_str() + at, "boottime %lld %lld", &seconds, &nanoseconds) != 2)
      return std::nullopt;
    const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
    if (ticks_per_second <= 0) return std::nullopt;
    return seconds * ticks_per_second + nanoseconds * ticks_per_second / 1000000000;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<bool> has_live_threads(std::uint64_t pid) noexcept {
  try {
    std::string text;
    if (!read_small_file(proc_path(pid, "status").c_str(), text).read) return std::nullopt;
    // A zombie leader stays counted until its whole group has exited.
    const std::size_t at = text.find("\nThreads:");
    if (at == std::string::npos) return std::nullopt;
    return std::strtoull(text.c_str() + at + 9, nullptr, 10) > 1;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace uuid_filelock::detail::posix
