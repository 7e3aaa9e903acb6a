// The public API on the real backend of this build.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "fixtures.hpp"
#include "support/platform.hpp"
#include "support/process_probe.hpp"
#include "support/shared_reader.hpp"
#include "support/temp_dir.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock {
namespace {

using namespace std::chrono_literals;
using test::kWindows;
using test::read_file;
using test::write_file;

constexpr const char* kHeldFileIsProtected =
    "Windows lets nobody delete, replace or overwrite a held lock file (its holder shares "
    "reading only): a lock cannot be lost this way there "
    "(Lock.HeldFileIsReadableButProtectedOnWindows)";

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// Holds the lock from another thread until released: a waiter in the test's
// own thread would otherwise (rightly) be told it waits for itself.
class HolderThread {
 public:
  explicit HolderThread(const std::filesystem::path& path) {
    thread_ = std::thread([this, path] {
      UUIDFileLock lock(path);
      lock.acquire();
      std::unique_lock<std::mutex> guard(mutex_);
      held_ = true;
      changed_.notify_all();
      changed_.wait(guard, [this] { return release_; });
      lock.release();
    });
    std::unique_lock<std::mutex> guard(mutex_);
    changed_.wait(guard, [this] { return held_; });
  }
  ~HolderThread() { release(); }
  void release() {
    if (!thread_.joinable()) return;
    {
      const std::lock_guard<std::mutex> guard(mutex_);
      release_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  bool release_ = false;
  std::thread thread_;
};

TEST_F(Lock, AcquireWritesARecordWithOurUuidFirstAndReleaseRemovesIt) {
  UUIDFileLock lock(path_);
  lock.acquire();
  ASSERT_TRUE(lock.owns_lock());
  const std::string record = read_file(path_);
  EXPECT_EQ(first_line(record), lock.token());
  EXPECT_NE(record.find("\nformat=uuid-filelock/1\n"), std::string::npos);
  EXPECT_NE(record.find("\npid=" + std::to_string(test::current_process_id()) + "\n"),
            std::string::npos);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});  // no temp file left
  lock.release();
  EXPECT_FALSE(lock.owns_lock());
  EXPECT_EQ(lock.token(), "");
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Lock, TryLockOnAHeldLockIsFalseAndLeavesTheHoldersFileAlone) {
  UUIDFileLock holder(path_, fast());
  ASSERT_TRUE(holder.try_lock());
  const std::string record = read_file(path_);
  const test::FileId before = test::SharedReader(path_).id();
  const auto permissions = std::filesystem::status(path_).permissions();

  UUIDFileLock contender(path_, fast());
  EXPECT_FALSE(contender.try_lock());
  EXPECT_FALSE(contender.owns_lock());

  EXPECT_EQ(test::SharedReader(path_).id(), before);
  EXPECT_EQ(std::filesystem::status(path_).permissions(), permissions);
  EXPECT_EQ(read_file(path_), record);
  EXPECT_EQ(dir_.entries(), std::set<std::string>{"app.lock"});
}

TEST_F(Lock, TryLockForReturnsFalseWithinItsBound) {
  HolderThread holder(path_);
  UUIDFileLock contender(path_, fast());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(contender.try_lock_for(200ms));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 200ms);
  EXPECT_LT(waited, 200ms + 1s);
}

TEST_F(Lock, TryLockUntilAcceptsTheSystemClock) {
  HolderThread holder(path_);
  UUIDFileLock contender(path_, fast());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(contender.try_lock_until(std::chrono::system_clock::now() + 50ms));
  EXPECT_FALSE(contender.try_lock_until(std::chrono::system_clock::now() - 1h));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 50ms);
  EXPECT_LT(waited, 50ms + 1s);
}

TEST_F(Lock, TryLockForDurationMaxMeansForeverNotExpired) {
  UUIDFileLock lock(path_, fast());
  EXPECT_TRUE(lock.try_lock_for(std::chrono::hours::max()));
}

TEST_F(Lock, AWaiterGetsTheLockOnceTheHolderReleases) {
  HolderThread holder(path_);
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    holder.release();
  });
  UUIDFileLock waiter(path_, fast());
  EXPECT_TRUE(waiter.try_lock_for(30s));
  releaser.join();
  EXPECT_EQ(first_line(read_file(path_)), waiter.token());
}

TEST_F(Lock, AWaiterWithoutTheFastPathGetsTheLockOnceTheHolderReleases) {
  HolderThread holder(path_);
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    holder.release();
  });
  options opts = fast();
  opts.advisory = false;
  UUIDFileLock waiter(path_, opts);
  EXPECT_TRUE(waiter.try_lock_for(30s));
  releaser.join();
}

TEST_F(Lock, StandardGuardsWork) {
  UUIDFileLock lock(path_, fast());
  {
    std::lock_guard<UUIDFileLock> guard(lock);
    EXPECT_TRUE(lock.owns_lock());
  }
  EXPECT_FALSE(lock.owns_lock());
  {
    std::unique_lock<UUIDFileLock> guard(lock, 1s);
    EXPECT_TRUE(guard.owns_lock());
  }
  EXPECT_FALSE(std::filesystem::exists(path_));
  UUIDFileLock second(dir_ / "second.lock", fast());
  {
    std::scoped_lock both(lock, second);
    EXPECT_TRUE(lock.owns_lock());
    EXPECT_TRUE(second.owns_lock());
  }
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Lock, ScopedFormAcquiresAndReleases) {
  {
    ScopedUUIDFileLock scoped(path_, 10ms);
    EXPECT_TRUE(scoped.lock().owns_lock());
    EXPECT_EQ(first_line(read_file(path_)), scoped.lock().token());
  }
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(Lock, ScopedFormThrowsTimeoutWhenHeld) {
  HolderThread holder(path_);
  options opts = fast();
  opts.timeout = 50ms;
  try {
    ScopedUUIDFileLock scoped(path_, opts);
    FAIL() << "acquired a held lock";
  } catch (const std::filesystem::filesystem_error& e) {
    EXPECT_EQ(e.code(), errc::timeout);
    EXPECT_EQ(e.path1(), path_);
  }
}

TEST_F(Lock, OriginalSignatureAcceptsAnyDuration) {
  UUIDFileLock seconds(path_);
  EXPECT_EQ(seconds.lock_options().retry_interval, 1s);
  UUIDFileLock fractional(path_, std::chrono::duration<double>(0.25));
  EXPECT_EQ(fractional.lock_options().retry_interval, 250ms);
}

TEST_F(Lock, DestructorReleases) {
  {
    UUIDFileLock lock(path_, fast());
    lock.acquire();
  }
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(Lock, ReleaseAfterDeletionReportsLostLock) {
  if (kWindows) GTEST_SKIP() << kHeldFileIsProtected;
  UUIDFileLock lock(path_, fast());
  lock.acquire();
  std::filesystem::remove(path_);
  std::error_code ec;
  lock.release(ec);
  EXPECT_EQ(ec, errc::lock_lost);
  EXPECT_FALSE(lock.owns_lock());
}

TEST_F(Lock, ReleaseAfterReplacementReportsLostLockAndKeepsTheNewFile) {
  if (kWindows) GTEST_SKIP() << kHeldFileIsProtected;
  UUIDFileLock lock(path_, fast());
  lock.acquire();
  std::filesystem::remove(path_);
  UUIDFileLock next(path_, fast());
  ASSERT_TRUE(next.try_lock());
  const std::string next_record = read_file(path_);
  std::error_code ec;
  lock.release(ec);
  EXPECT_EQ(ec, errc::lock_lost);
  EXPECT_EQ(read_file(path_), next_record);
  EXPECT_TRUE(next.owns_lock());
  next.release();
}

TEST_F(Lock, ReleaseAfterOverwriteInPlaceReportsLostLock) {
  if (kWindows) GTEST_SKIP() << kHeldFileIsProtected;
  UUIDFileLock lock(path_, fast());
  lock.acquire();
  write_file(path_, "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b\n");  // same inode, other UUID
  EXPECT_THROW(lock.release(), std::filesystem::filesystem_error);
  EXPECT_EQ(read_file(path_), "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b\n");
}

TEST_F(Lock, RelockingTheSameObjectFailsInsteadOfHanging) {
  UUIDFileLock lock(path_);
  lock.acquire();
  try {
    lock.acquire();
    FAIL() << "second acquire succeeded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::resource_deadlock_would_occur);
  }
  EXPECT_TRUE(lock.owns_lock());
}

TEST_F(Lock, PythonStyleUuidOnlyRecordIsALiveForeignHolder) {
  write_file(path_, "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b");
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock_for(30ms));
  EXPECT_EQ(read_file(path_), "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b");
}

TEST_F(Lock, EveryDurabilityLevelLocks) {
  for (durability_level level :
       {durability_level::none, durability_level::file, durability_level::file_and_directory}) {
    options opts = fast();
    opts.durability = level;
    UUIDFileLock lock(path_, opts);
    ASSERT_TRUE(lock.try_lock());
    lock.release();
    EXPECT_TRUE(dir_.entries().empty());
  }
}

TEST_F(Lock, VerifyDelayIsWaitedBeforeTrustingTheFile) {
  options opts = fast();
  opts.verify_delay = 50ms;
  UUIDFileLock lock(path_, opts);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(lock.try_lock());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
}

TEST_F(Lock, RelativePathIsAnchoredAtConstruction) {
  const std::filesystem::path old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_.path());
  UUIDFileLock lock("relative.lock", fast());
  std::filesystem::current_path(old_cwd);
  EXPECT_EQ(lock.path(), dir_ / "relative.lock");
  lock.acquire();
  EXPECT_TRUE(std::filesystem::exists(dir_ / "relative.lock"));
  lock.release();
  EXPECT_TRUE(dir_.entries().empty());
}

TEST_F(Lock, MovedLockReleasesOnce) {
  UUIDFileLock lock(path_, fast());
  lock.acquire();
  UUIDFileLock moved = std::move(lock);
  EXPECT_TRUE(moved.owns_lock());
  EXPECT_EQ(moved.path(), path_);
  moved.release();
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(Lock, MarkersOfBreakersThatDiedAreSweptWhileWaiting) {
  // A breaker killed mid-break leaves its empty marker, named after the
  // record it broke: no later break ever looks for that name again.
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::minutes(1);
  const std::filesystem::path abandoned = dir_ / ".uuid-filelock-1-2.break";
  const std::filesystem::path at_work = dir_ / ".uuid-filelock-3-4.break";
  const std::filesystem::path data = dir_ / ".uuid-filelock-5-6.break";
  test::write_file(abandoned, "");
  std::filesystem::last_write_time(abandoned, old);
  test::write_file(at_work, "");  // a breaker at work right now
  test::write_file(data, "not a marker");
  std::filesystem::last_write_time(data, old);
  UUIDFileLock holder(path_, fast());
  holder.acquire();
  std::thread([&] {  // another thread's object waits, and sweeps
    UUIDFileLock waiter(path_, fast());
    EXPECT_FALSE(waiter.try_lock_for(std::chrono::milliseconds(50)));
  })
      .join();
  EXPECT_FALSE(std::filesystem::exists(abandoned));
  EXPECT_TRUE(std::filesystem::exists(at_work));
  EXPECT_TRUE(std::filesystem::exists(data));
}

}  // namespace
}  // namespace uuid_filelock
