// Mutual exclusion under load, with the advisory fast path on and off: many
// processes, and many threads with their own lock objects, increment one
// counter under the lock. Any overlap shows as a witness collision or a lost
// update; the final count must be exact.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/counter_cycles.hpp"
#include "support/fast_path_param.hpp"
#include "support/platform.hpp"
#include "support/temp_dir.hpp"

namespace uuid_filelock::test {
namespace {

using namespace std::chrono_literals;

// Under Wine a contended cycle costs ~10x what it does on Linux: the Windows
// sizes keep the whole Windows leg within a few minutes on two cores.
constexpr int kWorkers = kWindows ? 4 : 8;
constexpr int kCycles = kWindows ? 500 : 1000;
constexpr auto kRetry = 200us;

class Stress : public ::testing::TestWithParam<bool> {
 protected:
  bool advisory() const { return GetParam(); }
  TempDir dir_;
  CycleFiles files_{dir_ / "stress.lock", dir_ / "counter", dir_ / "inside"};
};

TEST_P(Stress, ProcessesNeverOverlapAndLoseNoUpdate) {
  std::vector<ChildProcess> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.emplace_back(std::vector<std::string>{
        sibling_program(UUID_FILELOCK_LOCK_WORKER), "cycles", files_.lock.string(),
        files_.counter.string(), files_.witness.string(), std::to_string(kCycles),
        std::to_string(std::chrono::microseconds(kRetry).count()), advisory() ? "1" : "0"});
  }
  for (ChildProcess& worker : workers) {
    EXPECT_EQ(worker.wait(), kCyclesOk) << "worker " << worker.pid();
  }
  EXPECT_EQ(read_counter(files_.counter), kWorkers * kCycles);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"counter"});
}

TEST_P(Stress, ThreadsWithDistinctObjectsNeverOverlapAndLoseNoUpdate) {
  std::vector<CycleStatus> results(kWorkers, kCyclesOk);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<size_t>(i)] = run_counter_cycles(files_, kCycles, kRetry, advisory());
    });
  }
  for (auto& thread : threads) thread.join();
  for (CycleStatus result : results) EXPECT_EQ(result, kCyclesOk);
  EXPECT_EQ(read_counter(files_.counter), kWorkers * kCycles);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"counter"});
}

INSTANTIATE_TEST_SUITE_P(FastPath, Stress, ::testing::Bool(), fast_path_name);

}  // namespace
}  // namespace uuid_filelock::test
