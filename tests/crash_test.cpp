// Holders that die, with the advisory fast path on and off: a SIGKILLed
// holder's lock is taken over quickly, many contenders breaking the same dead
// lock never produce two holders, an exec()ed child never inherits the lock,
// and a fork()ed child never releases its parent's.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/counter_cycles.hpp"
#include "support/fast_path_param.hpp"
#include "support/temp_dir.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kRetry = 200ms;

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
    std::vector<std::string> args{UUID_FILELOCK_LOCK_WORKER, "hold", lock_.string(),
                                  advisory_flag()};
    if (!child_kind.empty()) args.push_back(child_kind);
    ChildProcess holder(args, false, true);
    const std::string line = holder.read_line();
    EXPECT_EQ(line.rfind("held ", 0), 0u) << line;
    exec_child_ = std::stoi(line.substr(5));
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
  // second of slack for a loaded machine) without it.
  std::chrono::steady_clock::duration recovery_bound() const {
    const bool fast_path = advisory() && UUID_FILELOCK_ADVISORY_BUILT;
    return fast_path ? std::chrono::steady_clock::duration(100ms) : kRetry + 1s;
  }
  void TearDown() override {
    if (exec_child_ > 0) {
      ::kill(exec_child_, SIGKILL);
      ::waitpid(exec_child_, nullptr, 0);
    }
  }

  TempDir dir_;
  std::filesystem::path lock_ = dir_ / "crash.lock";
  pid_t exec_child_ = 0;
};

TEST_P(Crash, SigkilledHolderIsTakenOverQuickly) {
  ChildProcess holder = start_holder();
  // While the holder lives, nobody gets in.
  UUIDFileLock contender(lock_, opts());
  EXPECT_FALSE(contender.try_lock());
  holder.kill(SIGKILL);
  EXPECT_EQ(exit_code(holder.wait()), -SIGKILL);
  EXPECT_LT(time_to_acquire(), recovery_bound());
}

TEST_P(Crash, SigkilledHolderIsTakenOverByAWaiterAlreadyWaiting) {
  ChildProcess holder = start_holder();
  std::chrono::steady_clock::time_point killed_at;
  std::thread killer([&] {
    std::this_thread::sleep_for(300ms);
    killed_at = std::chrono::steady_clock::now();
    holder.kill(SIGKILL);
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
  ASSERT_GT(exec_child_, 0);
  holder.kill(SIGKILL);
  holder.wait();
  // The exec()ed `sleep` still runs; it must not keep the lock alive.
  ASSERT_EQ(::kill(exec_child_, 0), 0);
  EXPECT_LT(time_to_acquire(), recovery_bound());
}

TEST_P(Crash, ForkedChildOutlivingItsDeadParentDoesNotKeepTheLock) {
  ChildProcess holder = start_holder("fork");
  ASSERT_GT(exec_child_, 0);
  holder.kill(SIGKILL);
  holder.wait();
  // The fork()ed child shares the dead holder's advisory lock, and lives on.
  ASSERT_EQ(::kill(exec_child_, 0), 0);
  EXPECT_LT(time_to_acquire(), recovery_bound());
}

TEST_P(Crash, WaiterKilledWhileWaitingLeavesNothingBehind) {
  ChildProcess holder = start_holder();
  ChildProcess waiter({UUID_FILELOCK_LOCK_WORKER, "race", lock_.string(),
                       (dir_ / "inside").string(), advisory_flag()},
                      /*pipe_stdin=*/true);
  waiter.close_stdin();
  std::this_thread::sleep_for(200ms);  // it prepares its record and waits
  waiter.kill(SIGKILL);
  EXPECT_EQ(exit_code(waiter.wait()), -SIGKILL);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"crash.lock"});
}

TEST_P(Crash, ManyContendersBreakingOneDeadLockNeverMakeTwoHolders) {
  constexpr int kRounds = 200;
  constexpr int kRacers = 8;
  const auto witness = dir_ / "inside";
  for (int round = 0; round < kRounds; ++round) {
    ChildProcess holder = start_holder();
    std::vector<ChildProcess> racers;
    for (int i = 0; i < kRacers; ++i) {
      racers.emplace_back(
          std::vector<std::string>{UUID_FILELOCK_LOCK_WORKER, "race", lock_.string(),
                                   witness.string(), advisory_flag()},
          /*pipe_stdin=*/true);
    }
    holder.kill(SIGKILL);
    holder.wait();
    for (ChildProcess& racer : racers) racer.close_stdin();  // all start at once
    for (ChildProcess& racer : racers) {
      ASSERT_EQ(exit_code(racer.wait()), kCyclesOk) << "round " << round;
    }
    // Every racer had its turn and cleaned up: no lock, marker or temp file.
    ASSERT_TRUE(dir_.entries().empty()) << "round " << round;
  }
}

TEST_P(Crash, ForkedChildNeverReleasesItsParentsLock) {
  UUIDFileLock lock(lock_, opts());
  lock.acquire();
  const std::string record = read_file(lock_);
  for (int variant = 0; variant < 3; ++variant) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
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
      std::exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_EQ(exit_code(status), 0) << "variant " << variant;
    EXPECT_TRUE(lock.owns_lock());
    EXPECT_EQ(read_file(lock_), record) << "variant " << variant;
    ChildProcess other({UUID_FILELOCK_LOCK_WORKER, "try", lock_.string()});
    EXPECT_EQ(exit_code(other.wait()), 0) << "someone else got in after variant " << variant;
  }
  lock.release();
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_P(Crash, ForkedChildOutlivingItsParentsReleaseDoesNotKeepWaitersWaiting) {
  UUIDFileLock lock(lock_, opts());
  lock.acquire();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();  // shares the parent's descriptor, and its advisory lock
    std::_Exit(0);
  }
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
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
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
