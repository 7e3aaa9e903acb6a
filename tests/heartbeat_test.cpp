// The heartbeat on the real backend: it refreshes the held file, ends with
// the hold, and never hangs a fork()ed child. Whether other hosts judge it
// right is proven across real hosts by tests/network.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "support/fork_child.hpp"
#include "support/temp_dir.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::test {
namespace {

using namespace std::chrono_literals;

class Heartbeat : public ::testing::Test {
 protected:
  static options beating() {
    options opts;
    opts.heartbeat = true;
    opts.stale_after = min_heartbeat_stale_after;  // a beat every second
    return opts;
  }
  TempDir dir_;
  std::filesystem::path lock_ = dir_ / "beating.lock";
};

TEST_F(Heartbeat, RefreshesTheHeldFileUntilReleased) {
  UUIDFileLock lock(lock_, beating());
  lock.acquire();
  const auto published = std::filesystem::last_write_time(lock_);
  // Beats come every stale_after / 3: the file must be refreshed well within
  // stale_after.
  const auto give_up = std::chrono::steady_clock::now() + *beating().stale_after;
  while (std::filesystem::last_write_time(lock_) == published &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_GT(std::filesystem::last_write_time(lock_), published);
  // A heartbeat rewrites the record unchanged.
  EXPECT_EQ(read_file(lock_).substr(0, 36), lock.token());
  lock.release();
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Heartbeat, RecordSaysSoWithItsLimit) {
  UUIDFileLock lock(lock_, beating());
  lock.acquire();
  const std::string limit = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(min_heartbeat_stale_after).count());
  EXPECT_NE(read_file(lock_).find("\nheartbeat_ms=" + limit + "\n"), std::string::npos);
}

TEST_F(Heartbeat, NeedsAStaleAfterOfAtLeastTheMinimumAndAHolderThatStays) {
  options no_limit = beating();
  no_limit.stale_after.reset();
  options too_short = beating();
  too_short.stale_after = min_heartbeat_stale_after - 1ms;
  options detached = beating();
  detached.detached = true;
  options read_only = beating();  // its owner could not rewrite it
  read_only.mode = std::filesystem::perms::owner_read | std::filesystem::perms::group_read;
  for (const options& opts : {no_limit, too_short, detached, read_only}) {
    UUIDFileLock lock(lock_, opts);
    std::error_code ec;
    EXPECT_FALSE(lock.try_lock(ec));
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_TRUE(dir_.entries().empty());
  }
}

TEST_F(Heartbeat, ReleaseAndReacquireManyTimesLeavesNothing) {
  // Each hold starts and stops a thread; none may outlive its hold or write
  // into the next holder's file.
  UUIDFileLock lock(lock_, beating());
  for (int i = 0; i < 50; ++i) {
    lock.acquire();
    const std::string token = lock.token();
    UUIDFileLock moved = std::move(lock);  // the beat follows the hold
    EXPECT_EQ(read_file(lock_).substr(0, 36), token);
    moved.release();
    lock = std::move(moved);
  }
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Heartbeat, ForkedChildLetsGoOfItsCopyWithoutHanging) {
  if (!can_fork()) GTEST_SKIP() << "no fork() on this OS";
  UUIDFileLock lock(lock_, beating());
  lock.acquire();
  const std::string record = read_file(lock_);
  // The child has no copy of the heartbeat's thread: joining it would hang.
  // (Children end with std::_Exit: in a child of this multithreaded process
  // LeakSanitizer's exit-time check waits forever for allocator locks held
  // by threads the child lacks.)
  const process_id child = fork_child([&]() -> int {
    {
      UUIDFileLock copy = std::move(lock);
      copy.unlock();
    }
    std::_Exit(0);
  });
  EXPECT_EQ(wait_forked(child), 0);
  // Nor when the child locks through its inherited object: the parent holds.
  const process_id locking_child =
      fork_child([&]() -> int { std::_Exit(lock.try_lock() ? 1 : 0); });
  EXPECT_EQ(wait_forked(locking_child), 0);
  EXPECT_TRUE(lock.owns_lock());
  EXPECT_EQ(read_file(lock_), record);
  lock.release();
  EXPECT_TRUE(dir_.entries().empty());
}

}  // namespace
}  // namespace uuid_filelock::test
