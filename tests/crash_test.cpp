// Holders that die, with the advisory fast path on and off: a killed
// holder's lock is taken over quickly (killed: SIGKILL on POSIX,
// TerminateProcess on Windows; no code of the holder runs), many contenders
// breaking the same dead lock never produce two holders, an exec()ed child
// never inherits the lock, and a fork()ed child never releases its parent's.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/counter_cycles.hpp"
#include "support/fast_path_param.hpp"
#include "support/fork_child.hpp"
#include "support/platform.hpp"
#include "support/process_probe.hpp"
#include "support/temp_dir.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kRetry = 200ms;
// A Windows process starts in ~50 ms under Wine (1 ms on Linux): fewer rounds
// and racers there keep the suite within minutes.
constexpr int kBreakRounds = kWindows ? 50 : 200;
constexpr int kBreakRacers = kWindows ? 4 : 8;
constexpr const char* kNoFork = "Windows has no fork()";

class Crash : public ::testing::TestWithParam<bool> {
 protected:
  bool advisory() const { return GetParam(); }
  const char* advisory_flag() const { return advisory() ? "1" : "0"; }
  options opts() const {
    options o;
    o.retry_interval = kRetry;
    o.advisory = advisory();
    return o;
  }
  // A worker that takes the lock and reports it; optionally it also starts
  // a child ("exec" or "fork") that outlives it.
  ChildProcess start_holder(const std::string& child_kind = "") {
    std::vector<std::string> args{worker_, "hold", lock_.string(), advisory_flag()};
    if (!child_kind.empty()) args.push_back(child_kind);
    ChildProcess holder(args, false, true);
    const std::string line = holder.read_line();
    EXPECT_EQ(line.rfind("held ", 0), 0u) << line;
    child_ = std::stoull(line.substr(5));
    return holder;
  }
  // How long a fresh contender needs to get the lock.
  std::chrono::steady_clock::duration time_to_acquire() {
    UUIDFileLock next(lock_, opts());
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(next.try_lock_for(10s));
    return std::chrono::steady_clock::now() - start;
  }
  // The bounds: 100 ms on the fast path, one retry_interval (plus a
  // second of slack for a loaded machine) without it. Under Wine a killed
  // process's handles are closed by wineserver, a separate process competing
  // for the same two cores as the test: its fast-path bound is 1 s.
  std::chrono::steady_clock::duration recovery_bound() const {
    const bool fast_path = advisory() && UUID_FILELOCK_ADVISORY_BUILT;
    const std::chrono::steady_clock::duration fast = kWindows ? 1000ms : 100ms;
    return fast_path ? fast : kRetry + 1s;
  }
  void TearDown() override {
    if (child_ > 0) kill_process(child_);
  }

  const std::string worker_ = sibling_program(UUID_FILELOCK_LOCK_WORKER);
  TempDir dir_;
  std::filesystem::path lock_ = dir_ / "crash.lock";
  process_id child_ = 0;  // the holder's child that outlives it, if any
};

TEST_P(Crash, KilledHolderIsTakenOverQuickly) {
  ChildProcess holder = start_holder();
  // While the holder lives, nobody gets in.
  UUIDFileLock contender(lock_, opts());
  EXPECT_FALSE(contender.try_lock());
  holder.terminate();
  EXPECT_EQ(holder.wait(), ChildProcess::kTerminated);
  EXPECT_LT(time_to_acquire(), recovery_bound());
}

TEST_P(Crash, KilledHolderLeavesNothingOnWindowsAndAStaleFileOnPosix) {
  ChildProcess holder = start_holder();
  holder.terminate();
  EXPECT_EQ(holder.wait(), ChildProcess::kTerminated);
  // Windows deletes the delete-on-close record with the holder's last
  // handle; POSIX keeps the file until a contender judges it dead.
  EXPECT_EQ(dir_.entries(),
            kWindows ? std::set<std::string>{} : std::set<std::string>{"crash.lock"});
  UUIDFileLock next(lock_, opts());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(next.try_lock_for(10s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, recovery_bound());
  EXPECT_EQ(read_file(lock_).substr(0, 36), next.token());
  next.release();
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_P(Crash, KilledHolderIsTakenOverByAWaiterAlreadyWaiting) {
  ChildProcess holder = start_holder();
  std::chrono::steady_clock::time_point killed_at;
  std::thread killer([&] {
    std::this_thread::sleep_for(300ms);
    killed_at = std::chrono::steady_clock::now();
    holder.terminate();
  });
  UUIDFileLock waiter(lock_, opts());
  waiter.lock();  // an untimed wait: blocks on the holder's advisory lock
  const auto taken_at = std::chrono::steady_clock::now();
  killer.join();
  holder.wait();
  EXPECT_LT(taken_at - killed_at, recovery_bound());
}

TEST_P(Crash, ExecedChildNeverInheritsTheLock) {
  ChildProcess holder = start_holder("exec");
  ASSERT_GT(child_, 0u);
  holder.terminate();
  holder.wait();
  // The exec()ed child still runs; it must not keep the lock alive.
  ASSERT_TRUE(process_running(child_));
  EXPECT_LT(time_to_acquire(), recovery_bound());
}

TEST_P(Crash, ForkedChildOutlivingItsDeadParentKeepsTheLockOnlyWhileItsLockLives) {
  if (!can_fork()) GTEST_SKIP() << kNoFork;
  ChildProcess holder = start_holder("fork");
  ASSERT_GT(child_, 0u);
  holder.terminate();
  holder.wait();
  // The fork()ed child shares the dead holder's advisory lock, and lives on.
  ASSERT_TRUE(process_running(child_));
  if (advisory() && UUID_FILELOCK_ADVISORY_BUILT) {
    // A held advisory lock vetoes the verdict "dead": the lock is held
    // until the child exits too, like a flock(1) lock a child inherited.
    UUIDFileLock early(lock_, opts());
    EXPECT_FALSE(early.try_lock());
    kill_process(child_);
    child_ = 0;
  }
  EXPECT_LT(time_to_acquire(), recovery_bound());
}

TEST_P(Crash, WaiterKilledWhileWaitingLeavesNothingBehind) {
  ChildProcess holder = start_holder();
  ChildProcess waiter(
      {worker_, "race", lock_.string(), (dir_ / "inside").string(), advisory_flag()},
      /*pipe_stdin=*/true);
  waiter.close_stdin();
  std::this_thread::sleep_for(200ms);  // it prepares its record and waits
  waiter.terminate();
  EXPECT_EQ(waiter.wait(), ChildProcess::kTerminated);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"crash.lock"});
}

TEST_P(Crash, ManyContendersBreakingOneDeadLockNeverMakeTwoHolders) {
  const auto witness = dir_ / "inside";
  for (int round = 0; round < kBreakRounds; ++round) {
    ChildProcess holder = start_holder();
    std::vector<ChildProcess> racers;
    for (int i = 0; i < kBreakRacers; ++i) {
      racers.emplace_back(std::vector<std::string>{worker_, "race", lock_.string(),
                                                   witness.string(), advisory_flag()},
                          /*pipe_stdin=*/true);
    }
    holder.terminate();
    holder.wait();
    for (ChildProcess& racer : racers) racer.close_stdin();  // all start at once
    for (ChildProcess& racer : racers) {
      ASSERT_EQ(racer.wait(), kCyclesOk) << "round " << round;
    }
    // Every racer had its turn and cleaned up: no lock, marker or temp file.
    ASSERT_TRUE(dir_.entries().empty()) << "round " << round;
  }
}

TEST_P(Crash, ForkedChildNeverReleasesItsParentsLock) {
  if (!can_fork()) GTEST_SKIP() << kNoFork;
  UUIDFileLock lock(lock_, opts());
  lock.acquire();
  const std::string record = read_file(lock_);
  for (int variant = 0; variant < 3; ++variant) {
    const process_id child = fork_child([&] {
      int code = 0;
      if (variant == 0) {
        // The child's copy goes out of scope, as it would when a forked
        // worker returns from the function that holds the lock.
        UUIDFileLock copy = std::move(lock);
      } else if (variant == 1) {
        // The child calls release(): it is not the owner.
        std::error_code ec;
        lock.release(ec);
        code = ec == errc::not_held && !lock.owns_lock() ? 0 : 3;
      }
      // variant 2: the child just exits, running exit handlers.
      return code;
    });
    EXPECT_EQ(wait_forked(child), 0) << "variant " << variant;
    EXPECT_TRUE(lock.owns_lock());
    EXPECT_EQ(read_file(lock_), record) << "variant " << variant;
    ChildProcess other({worker_, "try", lock_.string()});
    EXPECT_EQ(other.wait(), 0) << "someone else got in after variant " << variant;
  }
  lock.release();
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_P(Crash, ForkedChildOutlivingItsParentsReleaseDoesNotKeepWaitersWaiting) {
  if (!can_fork()) GTEST_SKIP() << kNoFork;
  UUIDFileLock lock(lock_, opts());
  lock.acquire();
  // It shares the parent's descriptor, and its advisory lock, until killed.
  child_ = fork_child([]() -> int {
    for (;;) std::this_thread::sleep_for(1h);
  });
  std::chrono::steady_clock::time_point acquired_at;
  std::thread waiter([&] {
    UUIDFileLock next(lock_, opts());
    EXPECT_TRUE(next.try_lock_for(10s));
    acquired_at = std::chrono::steady_clock::now();
  });
  std::this_thread::sleep_for(100ms);
  const auto released_at = std::chrono::steady_clock::now();
  lock.release();
  waiter.join();
  EXPECT_LT(acquired_at - released_at, recovery_bound());
}

TEST_P(Crash, SecondObjectInTheSameThreadFailsInsteadOfWaitingForItself) {
  UUIDFileLock first(lock_, opts());
  first.acquire();
  UUIDFileLock second(lock_, opts());
  EXPECT_FALSE(second.try_lock());  // a plain try is just "busy"
  std::error_code ec;
  second.acquire(ec);
  EXPECT_EQ(ec, std::errc::resource_deadlock_would_occur);
  EXPECT_FALSE(second.try_lock_for(10s, ec));
  EXPECT_EQ(ec, std::errc::resource_deadlock_would_occur);
  // Another thread simply waits for the first to let go.
  std::thread other([&] {
    UUIDFileLock third(lock_, opts());
    EXPECT_TRUE(third.try_lock_for(10s));
  });
  std::this_thread::sleep_for(50ms);
  first.release();
  other.join();
}

INSTANTIATE_TEST_SUITE_P(FastPath, Crash, ::testing::Bool(), fast_path_name);

}  // namespace
}  // namespace uuid_filelock::test
