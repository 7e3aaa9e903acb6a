// Uncontended acquire+release, beside raw baselines measured in the same run
// on the same filesystem:
//   uncontended_bench [DIR...]    (default: /dev/shm and /var/tmp)
// After Google Benchmark's table it prints each lock figure as a ratio to the
// raw O_CREAT|O_EXCL create+write+close+unlink and flock() lock/unlock.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "uuid_filelock/uuid_filelock.hpp"

namespace {

// A record of the size the library writes, so the baseline writes as much.
const std::string kRecord(150, 'x');

void raw_exclusive_create(benchmark::State& state, const std::filesystem::path& dir) {
  const std::string path = (dir / "raw-excl.lock").string();
  for (auto _ : state) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, kRecord.data(), kRecord.size()) < 0) state.SkipWithError("create");
    ::close(fd);
    ::unlink(path.c_str());
  }
}

void raw_flock(benchmark::State& state, const std::filesystem::path& dir) {
  const std::string path = (dir / "raw-flock.lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  for (auto _ : state) {
    ::flock(fd, LOCK_EX);
    ::flock(fd, LOCK_UN);
  }
  ::close(fd);
  ::unlink(path.c_str());
}

void uuid_filelock_acquire_release(benchmark::State& state, const std::filesystem::path& dir,
                                   bool advisory) {
  uuid_filelock::options opts;
  opts.advisory = advisory;
  uuid_filelock::UUIDFileLock lock(dir / "uuid.lock", opts);
  for (auto _ : state) {
    lock.acquire();
    lock.release();
  }
}

// Collects per-run times so the ratios can be printed after the table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && !run.error_occurred) {
        ns_[run.benchmark_name()] = run.GetAdjustedRealTime();
      }
    }
  }
  void print_ratios(const std::vector<std::string>& dirs) const {
    std::cout << "\nratios (uuid_filelock acquire+release / raw baseline, same run)\n";
    for (const std::string& dir : dirs) {
      const double excl = at("raw_exclusive_create/" + dir);
      const double flock = at("raw_flock/" + dir);
      for (const char* variant : {"fast_path", "no_fast_path"}) {
        const double lock = at(std::string("uuid_filelock_") + variant + "/" + dir);
        std::printf(
            "  %-10s %-13s %7.2f us   / O_EXCL create %6.2f us = %5.2fx   "
            "/ flock %5.2f us = %6.2fx\n",
            dir.c_str(), variant, lock / 1e3, excl / 1e3, lock / excl, flock / 1e3, lock / flock);
      }
    }
  }

 private:
  double at(const std::string& name) const {
    const auto found = ns_.find(name);
    return found == ns_.end() ? 0.0 : found->second;
  }
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::vector<std::string> dirs(argv + 1, argv + argc);
  if (dirs.empty()) dirs = {"/dev/shm", "/var/tmp"};
  for (const std::string& dir : dirs) {
    benchmark::RegisterBenchmark(("raw_exclusive_create/" + dir).c_str(), raw_exclusive_create,
                                 dir);
    benchmark::RegisterBenchmark(("raw_flock/" + dir).c_str(), raw_flock, dir);
    benchmark::RegisterBenchmark(("uuid_filelock_fast_path/" + dir).c_str(),
                                 uuid_filelock_acquire_release, dir, true);
    benchmark::RegisterBenchmark(("uuid_filelock_no_fast_path/" + dir).c_str(),
                                 uuid_filelock_acquire_release, dir, false);
  }
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios(dirs);
  benchmark::Shutdown();
  return 0;
}
