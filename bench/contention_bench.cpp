// Contended throughput, fairness and hand-over latency across processes,
// beside raw baselines measured in the same run on the same filesystem:
//   contention_bench [--cycles N] [--handoffs N] [DIR...]   (default DIRs: /dev/shm /var/tmp)
//
// Throughput: N processes (1, 2, 4, 8) each do CYCLES rounds of
// lock -> read/increment/write a counter file -> unlock. Reported: operations
// per second, the ratio to the raw O_CREAT|O_EXCL polling loop and to raw
// flock() doing the same work, lost updates (must be 0), and fairness (the
// slowest process's finish time over the fastest's).
//
// Hand-over: two processes strictly alternate; the holder stamps the time
// just before release() and the waiter, already blocked, reads it as soon as
// its acquire returns. Reported: the median, beside raw flock().
#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "uuid_filelock/uuid_filelock.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
      .count();
}

// A lock under test, as each process sees it.
class Lock {
 public:
  virtual ~Lock() = default;
  virtual void lock() = 0;
  virtual void unlock() = 0;
};

class UuidLock final : public Lock {
 public:
  UuidLock(const std::filesystem::path& path, bool advisory) : lock_(path, opts(advisory)) {}
  void lock() override { lock_.acquire(); }
  void unlock() override { lock_.release(); }

 private:
  static uuid_filelock::options opts(bool advisory) {
    uuid_filelock::options o;
    o.advisory = advisory;
    o.retry_interval = 100us;  // without the fast path, waiters poll this often
    return o;
  }
  uuid_filelock::UUIDFileLock lock_;
};

// Raw flock() on a file that always exists.
class FlockLock final : public Lock {
 public:
  explicit FlockLock(const std::filesystem::path& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {}
  ~FlockLock() override { ::close(fd_); }
  void lock() override { ::flock(fd_, LOCK_EX); }
  void unlock() override { ::flock(fd_, LOCK_UN); }

 private:
  int fd_;
};

// Raw O_CREAT|O_EXCL: create to lock, unlink to unlock, retry at once.
class ExclusiveCreateLock final : public Lock {
 public:
  explicit ExclusiveCreateLock(std::filesystem::path path) : path_(std::move(path)) {}
  void lock() override {
    for (;;) {
      const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd >= 0) {
        ::close(fd);
        return;
      }
      sched_yield();
    }
  }
  void unlock() override { ::unlink(path_.c_str()); }

 private:
  std::filesystem::path path_;
};

struct Kind {
  const char* name;
  std::function<std::unique_ptr<Lock>(const std::filesystem::path& dir)> make;
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> all = {
      {"O_EXCL loop",
       [](const auto& d) { return std::make_unique<ExclusiveCreateLock>(d / "raw.lock"); }},
      {"flock", [](const auto& d) { return std::make_unique<FlockLock>(d / "flock.lock"); }},
      {"uuid fast path",
       [](const auto& d) { return std::make_unique<UuidLock>(d / "uuid.lock", true); }},
      {"uuid no fast path",
       [](const auto& d) { return std::make_unique<UuidLock>(d / "uuid.lock", false); }},
  };
  return all;
}

// Memory shared by the forked processes of one run.
struct Shared {
  std::atomic<int> ready;
  std::atomic<bool> go;
  std::atomic<std::int64_t> start_ns;
  std::atomic<std::int64_t> finish_ns[16];
  // hand-over
  std::atomic<std::int64_t> released_at;
  std::atomic<int> acquisitions;
  std::int64_t latencies[2][20000];
};

Shared* map_shared() {
  void* memory =
      ::mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) std::abort();
  return new (memory) Shared{};
}

bool increment(const std::filesystem::path& counter) {
  const int fd = ::open(counter.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  char buf[32] = {};
  const ssize_t got = ::pread(fd, buf, sizeof buf - 1, 0);
  const long next = (got > 0 ? std::atol(buf) : 0) + 1;
  const std::string text = std::to_string(next);
  const bool ok = ::ftruncate(fd, 0) == 0 &&
                  ::pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

long read_counter(const std::filesystem::path& counter) {
  char buf[32] = {};
  const int fd = ::open(counter.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  const ssize_t got = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  return got > 0 ? std::atol(buf) : 0;
}

void wait_all(const std::vector<pid_t>& children) {
  for (pid_t child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "a benchmark process failed\n");
      std::exit(1);
    }
  }
}

struct Throughput {
  double ops_per_second;
  long lost;
  double fairness;
};

Throughput contended(const Kind& kind, const std::filesystem::path& dir, int processes,
                     int cycles) {
  const std::filesystem::path counter = dir / "counter";
  std::filesystem::remove(counter);
  Shared* shared = map_shared();
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t child = ::fork();
    if (child == 0) {
      std::unique_ptr<Lock> lock = kind.make(dir);
      shared->ready.fetch_add(1);
      while (!shared->go.load()) sched_yield();
      bool ok = true;
      for (int i = 0; i < cycles; ++i) {
        lock->lock();
        ok = increment(counter) && ok;
        lock->unlock();
      }
      shared->finish_ns[p].store(now_ns());
      lock.reset();
      std::_Exit(ok ? 0 : 1);
    }
    children.push_back(child);
  }
  while (shared->ready.load() < processes) sched_yield();
  shared->start_ns.store(now_ns());
  shared->go.store(true);
  wait_all(children);
  std::int64_t first = INT64_MAX, last = 0;
  for (int p = 0; p < processes; ++p) {
    first = std::min(first, shared->finish_ns[p].load() - shared->start_ns.load());
    last = std::max(last, shared->finish_ns[p].load() - shared->start_ns.load());
  }
  const long total = static_cast<long>(processes) * cycles;
  Throughput result{static_cast<double>(total) / (static_cast<double>(last) / 1e9),
                    total - read_counter(counter),
                    static_cast<double>(last) / static_cast<double>(first)};
  ::munmap(shared, sizeof(Shared));
  std::filesystem::remove(counter);
  return result;
}

// Median hand-over latency between two strictly alternating processes.
double handoff_median_us(const Kind& kind, const std::filesystem::path& dir, int handoffs) {
  Shared* shared = map_shared();
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    const pid_t child = ::fork();
    if (child == 0) {
      std::unique_ptr<Lock> lock = kind.make(dir);
      shared->ready.fetch_add(1);
      while (!shared->go.load()) sched_yield();
      if (p == 1) std::this_thread::sleep_for(10ms);  // process 0 takes the first turn
      for (int i = 0; i < handoffs; ++i) {
        lock->lock();
        const int turn = shared->acquisitions.fetch_add(1);
        const std::int64_t released = shared->released_at.load();
        if (turn > 0) shared->latencies[p][i] = now_ns() - released;
        // Hold long enough for the other process to be blocked in lock().
        std::this_thread::sleep_for(300us);
        shared->released_at.store(now_ns());
        lock->unlock();
        // Strict alternation: let the other process take its turn first.
        while (shared->acquisitions.load() == turn + 1 && i + 1 < handoffs) sched_yield();
      }
      std::_Exit(0);
    }
    children.push_back(child);
  }
  while (shared->ready.load() < 2) sched_yield();
  shared->go.store(true);
  wait_all(children);
  std::vector<std::int64_t> samples;
  for (int p = 0; p < 2; ++p) {
    for (int i = 0; i < handoffs; ++i) {
      if (shared->latencies[p][i] > 0) samples.push_back(shared->latencies[p][i]);
    }
  }
  ::munmap(shared, sizeof(Shared));
  std::sort(samples.begin(), samples.end());
  return samples.empty() ? 0.0 : static_cast<double>(samples[samples.size() / 2]) / 1e3;
}

}  // namespace

int main(int argc, char** argv) {
  int cycles = 1000;
  int handoffs = 2000;
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cycles" && i + 1 < argc) {
      cycles = std::atoi(argv[++i]);
    } else if (arg == "--handoffs" && i + 1 < argc) {
      handoffs = std::min(std::atoi(argv[++i]), 20000);
    } else {
      dirs.push_back(arg);
    }
  }
  if (dirs.empty()) dirs = {"/dev/shm", "/var/tmp"};

  for (const std::string& base : dirs) {
    const std::filesystem::path dir =
        std::filesystem::path(base) / ("uuid-filelock-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::printf("\n== %s: contended throughput, %d cycles per process\n", base.c_str(), cycles);
    std::printf("%-4s %-18s %12s %10s %10s %6s %9s\n", "N", "lock", "ops/s", "/O_EXCL", "/flock",
                "lost", "fairness");
    for (int processes : {1, 2, 4, 8}) {
      std::vector<Throughput> results;
      for (const Kind& kind : kinds()) results.push_back(contended(kind, dir, processes, cycles));
      for (std::size_t k = 0; k < kinds().size(); ++k) {
        std::printf("%-4d %-18s %12.0f %9.2fx %9.2fx %6ld %9.2f\n", processes, kinds()[k].name,
                    results[k].ops_per_second,
                    results[k].ops_per_second / results[0].ops_per_second,
                    results[k].ops_per_second / results[1].ops_per_second, results[k].lost,
                    results[k].fairness);
      }
    }
    std::printf("\n== %s: hand-over latency, 2 processes alternating, %d hand-overs\n",
                base.c_str(), handoffs);
    const double flock_us = handoff_median_us(kinds()[1], dir, handoffs);
    for (std::size_t k = 1; k < kinds().size(); ++k) {
      const double us = k == 1 ? flock_us : handoff_median_us(kinds()[k], dir, handoffs);
      std::printf("%-18s median %9.1f us  (%.2fx flock)\n", kinds()[k].name, us, us / flock_us);
    }
    std::filesystem::remove_all(dir);
  }
  return 0;
}
