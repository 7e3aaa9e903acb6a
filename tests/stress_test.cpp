// Mutual exclusion under load: many processes, and many threads with their
// own lock objects, increment one counter under the lock. Any overlap shows
// as a witness collision or a lost update; the final count must be exact.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <string>
#include <thread>
#include <vector>

#include "support/counter_cycles.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace uuid_filelock::test {
namespace {

using namespace std::chrono_literals;

constexpr int kWorkers = 8;
constexpr int kCycles = 1000;
constexpr auto kRetry = 200us;

class Stress : public ::testing::Test {
 protected:
  TempDir dir_;
  CycleFiles files_{dir_ / "stress.lock", dir_ / "counter", dir_ / "inside"};
};

TEST_F(Stress, ProcessesNeverOverlapAndLoseNoUpdate) {
  const std::string cycles = std::to_string(kCycles);
  const std::string retry = std::to_string(std::chrono::microseconds(kRetry).count());
  std::vector<pid_t> workers;
  for (int i = 0; i < kWorkers; ++i) {
    std::vector<std::string> args = {UUID_FILELOCK_LOCK_WORKER,
                                     files_.lock.string(),
                                     files_.counter.string(),
                                     files_.witness.string(),
                                     cycles,
                                     retry};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    workers.push_back(pid);
  }
  for (pid_t pid : workers) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), kCyclesOk) << "worker " << pid;
  }
  EXPECT_EQ(read_counter(files_.counter), kWorkers * kCycles);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"counter"});
}

TEST_F(Stress, ThreadsWithDistinctObjectsNeverOverlapAndLoseNoUpdate) {
  std::vector<CycleStatus> results(kWorkers, kCyclesOk);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back(
        [&, i] { results[static_cast<size_t>(i)] = run_counter_cycles(files_, kCycles, kRetry); });
  }
  for (auto& thread : threads) thread.join();
  for (CycleStatus result : results) EXPECT_EQ(result, kCyclesOk);
  EXPECT_EQ(read_counter(files_.counter), kWorkers * kCycles);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"counter"});
}

}  // namespace
}  // namespace uuid_filelock::test
