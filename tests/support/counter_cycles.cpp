#include "counter_cycles.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::test {
namespace {

// Plain syscalls, no buffering: what one holder wrote is what the next reads.
bool increment(const std::filesystem::path& counter) {
  const int fd = ::open(counter.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  char buf[32] = {};
  const ssize_t got = ::pread(fd, buf, sizeof buf - 1, 0);
  const long next = (got > 0 ? std::stol(std::string(buf, static_cast<size_t>(got))) : 0) + 1;
  const std::string text = std::to_string(next);
  const bool ok = got >= 0 && ::ftruncate(fd, 0) == 0 &&
                  ::pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
  return ::close(fd) == 0 && ok;
}

}  // namespace

CycleStatus critical_section(const std::filesystem::path& witness, std::chrono::nanoseconds hold) {
  const int fd = ::open(witness.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno == EEXIST ? kTwoHolders : kIoFailure;
  ::close(fd);
  if (hold > std::chrono::nanoseconds::zero()) std::this_thread::sleep_for(hold);
  return ::unlink(witness.c_str()) == 0 ? kCyclesOk : kIoFailure;
}

CycleStatus run_counter_cycles(const CycleFiles& files, int cycles,
                               std::chrono::nanoseconds retry_interval, bool advisory) {
  options opts;
  opts.retry_interval = retry_interval;
  opts.advisory = advisory;
  for (int i = 0; i < cycles; ++i) {
    UUIDFileLock lock(files.lock, opts);
    try {
      lock.acquire();
    } catch (const std::system_error&) {
      return kLockFailure;
    }
    const int witness =
        ::open(files.witness.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (witness < 0) return errno == EEXIST ? kTwoHolders : kIoFailure;
    ::close(witness);
    if (!increment(files.counter)) return kIoFailure;
    if (::unlink(files.witness.c_str()) != 0) return kIoFailure;
    std::error_code ec;
    lock.release(ec);
    if (ec) return ec == errc::lock_lost ? kLockLost : kLockFailure;
  }
  return kCyclesOk;
}

long read_counter(const std::filesystem::path& counter) {
  const int fd = ::open(counter.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[32] = {};
  const ssize_t got = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  return got > 0 ? std::stol(std::string(buf, static_cast<size_t>(got))) : 0;
}

}  // namespace uuid_filelock::test
