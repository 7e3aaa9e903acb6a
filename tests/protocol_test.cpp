// The protocol against the scripted fake backend: races that real
// filesystems produce only by luck, produced here on purpose.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "../src/common/break_stale_lock.hpp"
#include "../src/common/liveness.hpp"
#include "../src/common/record.hpp"
#include "support/fake_backend.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock {
namespace {

using namespace std::chrono_literals;
using test::fake_fs;

constexpr const char* kForeignUuid = "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b";

class Protocol : public ::testing::Test {
 protected:
  void SetUp() override { test::reset_fake_fs(); }
  void TearDown() override { test::reset_fake_fs(); }

  // Absolute on every OS, as the lock makes it (on Windows with a drive).
  const std::string path_ = std::filesystem::absolute("/fake/app.lock").string();
  // The fake is a network filesystem unless a test says otherwise; its
  // rivals act at scripted points, so no verify delay is needed.
  options fast() const {
    options opts;
    opts.retry_interval = 1ms;
    opts.verify_delay = 0ns;
    return opts;
  }

  // A record of a holder on this machine, process `pid` (gone unless listed
  // in fake_fs().processes).
  static std::string this_host_record(std::uint64_t pid, const char* uuid = kForeignUuid) {
    return std::string(uuid) + "\nformat=uuid-filelock/1\npid=" + std::to_string(pid) +
           "\nstart=1\nhost=fakehost\nmachine=fakemachine\nboot=fakeboot\npidns=pid:[1]\n"
           "advisory=0\n";
  }
  detail::lock_file_snapshot snapshot_of(const std::string& path) const {
    std::error_code ec;
    return detail::read_lock_file(path, detail::max_record_bytes, false, ec);
  }

  // A holder whose heartbeat is overdue by the clocks is taken over only
  // once its record has stayed unchanged for its limit (the shortest a
  // record may state, 3 s) by the steady clock: a clock step fools no one.
  static constexpr const char* kShortHeartbeat = "3000";
  static bool taken_after_watching(UUIDFileLock& lock) { return lock.try_lock_for(5s); }

  // A record of a holder on another host; `heartbeat_ms` "" for none.
  static std::string other_host_record(const std::string& heartbeat_ms) {
    return std::string(kForeignUuid) +
           "\nformat=uuid-filelock/1\npid=99\nstart=1\nhost=elsewhere\nmachine=m2\n"
           "boot=b2\npidns=pid:[1]\nadvisory=0\n" +
           (heartbeat_ms.empty() ? "" : "heartbeat_ms=" + heartbeat_ms + "\n");
  }
};

TEST_F(Protocol, LastHolderIsTheOneTheFailedAttemptSaw) {
  fake_fs().processes[77] = detail::process_state::running;
  fake_fs().put(path_, this_host_record(77) + "description=nightly backup\ncompanion=78\n");
  UUIDFileLock lock(path_, fast());
  EXPECT_EQ(lock.last_holder().state, lock_state::free);
  EXPECT_FALSE(lock.try_lock());
  const lock_status& seen = lock.last_holder();
  EXPECT_EQ(seen.state, lock_state::held);
  EXPECT_EQ(seen.uuid, kForeignUuid);
  EXPECT_EQ(seen.pid, 77u);
  EXPECT_EQ(seen.host, "fakehost");
  EXPECT_EQ(seen.description, "nightly backup");
  EXPECT_EQ(seen.companion_pid, 78u);
  // Kept after the holder has gone (a second look would say "free"), and
  // cleared by a success.
  fake_fs().files.erase(path_);
  EXPECT_EQ(lock.last_holder().pid, 77u);
  EXPECT_TRUE(lock.try_lock());
  EXPECT_EQ(lock.last_holder().state, lock_state::free);
  EXPECT_FALSE(lock.last_holder().pid);
}

TEST_F(Protocol, RecordDescribesItsHolderByTheProgramsNameUnlessToldOtherwise) {
  UUIDFileLock unnamed(path_, fast());
  unnamed.acquire();
  EXPECT_NE(fake_fs().files[path_].bytes.find("\ndescription=fakeprog\n"), std::string::npos);
  unnamed.release();
  options described = fast();
  described.description = "updater";
  UUIDFileLock named(path_, described);
  named.acquire();
  EXPECT_NE(fake_fs().files[path_].bytes.find("\ndescription=updater\n"), std::string::npos);
}

TEST_F(Protocol, ALockForACompanionThatIsGoneIsRefused) {
  options for_gone = fast();
  for_gone.companion_pid = 5555;  // not among fake_fs().processes: gone
  UUIDFileLock lock(path_, for_gone);
  std::error_code ec;
  EXPECT_FALSE(lock.try_lock(ec));
  EXPECT_EQ(ec, std::errc::no_such_process);
  EXPECT_TRUE(fake_fs().files.empty());
}

TEST_F(Protocol, UncontendedAcquirePublishesOnceVerifiesOnceAndReleaseRemoves) {
  UUIDFileLock lock(path_, fast());
  ASSERT_TRUE(lock.try_lock());
  EXPECT_EQ(fake_fs().publishes, 1);
  EXPECT_EQ(fake_fs().reads, 1);
  EXPECT_EQ(detail::parse_record(fake_fs().files.at(path_).bytes, false).uuid, lock.token());
  lock.release();
  EXPECT_FALSE(lock.owns_lock());
  EXPECT_TRUE(fake_fs().files.empty());
}

TEST_F(Protocol, VerificationCatchesUuidOverwrittenBetweenPublishAndVerify) {
  // A weak filesystem: a rival's write lands on our freshly published file.
  fake_fs().after_publish = [](const std::string& path) {
    fake_fs().files.at(path).bytes = std::string(kForeignUuid) + "\n";
  };
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  EXPECT_FALSE(lock.owns_lock());
  // The rival's record is respected, not removed.
  ASSERT_EQ(fake_fs().files.count(path_), 1u);
  EXPECT_EQ(detail::parse_record(fake_fs().files.at(path_).bytes, false).uuid, kForeignUuid);
  EXPECT_EQ(fake_fs().removes, 0);
}

TEST_F(Protocol, OverwrittenAttemptRetriesAndWinsOnceTheRivalLetsGo) {
  fake_fs().after_publish = [](const std::string& path) {
    fake_fs().after_publish = nullptr;  // the weak moment happens once
    fake_fs().files.at(path).bytes = std::string(kForeignUuid) + "\n";
  };
  // The rival releases after the protocol has looked at its file twice.
  fake_fs().before_read = [this](const std::string&) {
    if (fake_fs().reads == 3) fake_fs().files.erase(path_);
  };
  UUIDFileLock lock(path_, fast());
  ASSERT_TRUE(lock.try_lock_for(10s));
  EXPECT_EQ(fake_fs().publishes, 4);  // won, lost, saw it held, won
  EXPECT_EQ(detail::parse_record(fake_fs().files.at(path_).bytes, false).uuid, lock.token());
  EXPECT_NE(lock.token(), kForeignUuid);
}

TEST_F(Protocol, FileReplacedBetweenPublishAndVerifyIsNotClaimedEvenWithOurBytesLocally) {
  // Same bytes, different file: ours was removed and the path re-created.
  // On a local filesystem file identities are trusted.
  fake_fs().local = true;
  fake_fs().after_publish = [](const std::string& path) {
    fake_fs().put(path, fake_fs().files.at(path).bytes);
  };
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  EXPECT_EQ(fake_fs().removes, 0);
}

TEST_F(Protocol, OnANetworkFilesystemOurUuidAloneMakesTheFileOurs) {
  // sshfs numbers a file differently through the path and through our
  // descriptor: trusting identities there left every publisher's own file
  // orphaned at the lock path, and all of them waiting for it forever.
  fake_fs().after_publish = [](const std::string& path) {
    fake_fs().put(path, fake_fs().files.at(path).bytes);
  };
  UUIDFileLock lock(path_, fast());
  EXPECT_TRUE(lock.try_lock());
  lock.release();
  EXPECT_TRUE(fake_fs().files.empty());
}

TEST_F(Protocol, RemoteRecordAgeIsMeasuredByTheServersClockNotOurs) {
  // The file server's clock runs an hour ahead of ours. By our clock a
  // record it stamped 5 s ago is an hour in the future (as old as an hour),
  // by its own it is 5 s old: respected.
  fake_fs().server_clock_ahead = 1h;
  fake_fs().put(path_, other_host_record("60000"), fake_fs().server_now() - 5s);
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  EXPECT_GE(fake_fs().stamps, 1);  // the server's clock was read
  EXPECT_EQ(fake_fs().removes, 0);
  // Two minutes old by the server's clock: its heartbeat stopped.
  fake_fs().put(path_, other_host_record(kShortHeartbeat), fake_fs().server_now() - 120s);
  EXPECT_FALSE(lock.try_lock()) << "a single reading of an age is never proof";
  EXPECT_TRUE(taken_after_watching(lock));
}

TEST_F(Protocol, AHeartbeatLandingWhileTheBreakerWaitsSavesTheHolder) {
  // Judged stale, but by the time the breaker holds the marker and looks
  // again, the holder has beaten: its file is not removed.
  fake_fs().put(path_, other_host_record(kShortHeartbeat), fake_fs().server_now() - 120s);
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());  // the watch begins
  std::this_thread::sleep_for(3s);
  // It is now overdue and unchanged for its limit; it beats just as the
  // breaker has the marker and looks again.
  int lock_reads = 0;
  fake_fs().before_read = [&](const std::string& path) {
    if (path == path_ && ++lock_reads == 2)
      fake_fs().files.at(path).modified = fake_fs().server_now();
  };
  EXPECT_FALSE(lock.try_lock());
  EXPECT_GE(lock_reads, 2);
  ASSERT_EQ(fake_fs().files.count(path_), 1u);
  EXPECT_EQ(detail::parse_record(fake_fs().files.at(path_).bytes, false).uuid, kForeignUuid);
}

TEST_F(Protocol, AClockStepNeverBreaksAHeartbeatingHolder) {
  // The server's clock steps an hour ahead just after the holder's last
  // beat: by one reading its record is an hour old. It beats on (each beat
  // stamped by the stepped clock) and is never broken.
  fake_fs().put(path_, other_host_record(kShortHeartbeat), fake_fs().server_now());
  fake_fs().server_clock_ahead = 1h;
  auto last_beat = std::chrono::steady_clock::now();
  fake_fs().before_read = [&](const std::string& path) {
    if (path != path_ || std::chrono::steady_clock::now() - last_beat < 1s) return;
    last_beat = std::chrono::steady_clock::now();
    fake_fs().files.at(path).modified = fake_fs().server_now();
  };
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock_for(5s));
  EXPECT_EQ(fake_fs().removes, 0);
}

TEST_F(Protocol, AnUnreadableServerClockNeverMakesAHolderStale) {
  // Where nothing can be rewritten, the age is unknown: respected, not
  // guessed from this host's clock.
  fake_fs().stamp_error = std::make_error_code(std::errc::io_error);
  fake_fs().put(path_, other_host_record("60000"), fake_fs().server_now() - 24h);
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  EXPECT_EQ(fake_fs().removes, 0);
}

TEST_F(Protocol, AHeartbeatingHolderStampsItsRecordBeforePublishingAndAtOnceAfter) {
  options opts = fast();
  opts.heartbeat = true;
  opts.stale_after = 60s;
  UUIDFileLock lock(path_, opts);
  ASSERT_TRUE(lock.try_lock());
  EXPECT_EQ(fake_fs().stamps, 2);
  lock.release();
  // A first beat that fails fails the acquisition: nothing is left held.
  fake_fs().stamp_error = std::make_error_code(std::errc::io_error);
  std::error_code ec;
  EXPECT_FALSE(lock.try_lock(ec));
  EXPECT_EQ(ec, std::errc::io_error);
  EXPECT_FALSE(lock.owns_lock());
  EXPECT_TRUE(fake_fs().files.empty());
}

TEST_F(Protocol, RemoteRecordAgeIgnoresAServerClockBehindOurs) {
  // The server's clock an hour behind: by ours, a record it stamped two
  // minutes ago is an hour old and a minute's heartbeat long overdue.
  fake_fs().server_clock_ahead = -1h;
  fake_fs().put(path_, other_host_record("600000"), fake_fs().server_now() - 120s);
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  EXPECT_EQ(fake_fs().removes, 0);
}

TEST_F(Protocol, AgeIsNotAskedWhereNoRuleNeedsIt) {
  // A holder on another host that does not heartbeat is respected whatever
  // its age: no round trip to the server's clock is spent on it.
  fake_fs().put(path_, other_host_record(""), fake_fs().server_now() - 24h);
  options opts = fast();
  opts.stale_after = 1s;
  UUIDFileLock lock(path_, opts);
  EXPECT_FALSE(lock.try_lock());
  EXPECT_EQ(fake_fs().stamps, 0);
}

TEST_F(Protocol, ALocalFilesystemIsJudgedByOurClock) {
  fake_fs().local = true;
  fake_fs().server_clock_ahead = 1h;  // irrelevant: one kernel, one clock
  fake_fs().put(path_, other_host_record(kShortHeartbeat), std::chrono::system_clock::now() - 120s);
  UUIDFileLock lock(path_, fast());
  EXPECT_TRUE(taken_after_watching(lock));
  EXPECT_EQ(fake_fs().stamps, 0);
}

TEST_F(Protocol, ClassificationCanBeOverridden) {
  // A local fake treated as network: its holder's age comes from the server.
  fake_fs().local = true;
  fake_fs().put(path_, other_host_record(kShortHeartbeat), fake_fs().server_now() - 120s);
  options opts = fast();
  opts.filesystem = filesystem_kind::network;
  UUIDFileLock lock(path_, opts);
  EXPECT_TRUE(taken_after_watching(lock));
  EXPECT_GE(fake_fs().stamps, 1);
}

TEST_F(Protocol, FileRemovedBetweenPublishAndVerifyIsRetriedAtOnce) {
  fake_fs().after_publish = [](const std::string& path) {
    fake_fs().after_publish = nullptr;
    fake_fs().files.erase(path);
  };
  options opts = fast();
  opts.retry_interval = 1h;  // a sleep would hang the test
  UUIDFileLock lock(path_, opts);
  // Even try_lock retries at once after such progress, and wins.
  EXPECT_TRUE(lock.try_lock());
  EXPECT_EQ(fake_fs().publishes, 2);
  EXPECT_EQ(detail::parse_record(fake_fs().files.at(path_).bytes, false).uuid, lock.token());
}

TEST_F(Protocol, HeldByForeignUuidOnlyRecordIsRespected) {
  // What the original Python uuid-filelock writes: only the UUID.
  fake_fs().put(path_, kForeignUuid);
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  EXPECT_EQ(fake_fs().files.at(path_).bytes, kForeignUuid);
}

TEST_F(Protocol, SameHostnameWithoutMachineIdsIsNotTakenForAnEarlierBoot) {
  // Two containers named alike, neither with a machine id, on other kernels:
  // the holder may well be alive elsewhere.
  fake_fs().self.machine_id = "";
  fake_fs().put(path_, std::string(kForeignUuid) +
                           "\nformat=uuid-filelock/1\npid=1\nstart=1\nhost=fakehost\n"
                           "machine=\nboot=otherboot\npidns=pid:[1]\nadvisory=0\n");
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  EXPECT_EQ(fake_fs().removes, 0);
}

TEST_F(Protocol, SameMachineAfterARebootIsStale) {
  fake_fs().put(path_, std::string(kForeignUuid) +
                           "\nformat=uuid-filelock/1\npid=1\nstart=1\nhost=fakehost\n"
                           "machine=fakemachine\nboot=otherboot\npidns=pid:[1]\nadvisory=0\n");
  UUIDFileLock lock(path_, fast());
  EXPECT_TRUE(lock.try_lock());
}

TEST_F(Protocol, ReleaseAfterDeletionReportsLostLock) {
  UUIDFileLock lock(path_, fast());
  ASSERT_TRUE(lock.try_lock());
  fake_fs().files.erase(path_);
  std::error_code ec;
  lock.release(ec);
  EXPECT_EQ(ec, errc::lock_lost);
  EXPECT_FALSE(lock.owns_lock());
  EXPECT_EQ(fake_fs().removes, 0);
}

TEST_F(Protocol, ReleaseAfterReplacementReportsLostLockAndKeepsTheOtherFile) {
  UUIDFileLock lock(path_, fast());
  ASSERT_TRUE(lock.try_lock());
  fake_fs().put(path_, std::string(kForeignUuid) + "\n");
  EXPECT_THROW(
      {
        try {
          lock.release();
        } catch (const std::filesystem::filesystem_error& e) {
          EXPECT_EQ(e.code(), errc::lock_lost);
          EXPECT_EQ(e.path1(), path_);
          throw;
        }
      },
      std::filesystem::filesystem_error);
  EXPECT_FALSE(lock.owns_lock());
  EXPECT_EQ(detail::parse_record(fake_fs().files.at(path_).bytes, false).uuid, kForeignUuid);
}

TEST_F(Protocol, ReleaseWhenOverwrittenInPlaceReportsLostLock) {
  UUIDFileLock lock(path_, fast());
  ASSERT_TRUE(lock.try_lock());
  fake_fs().files.at(path_).bytes = kForeignUuid;
  std::error_code ec;
  lock.release(ec);
  EXPECT_EQ(ec, errc::lock_lost);
  EXPECT_EQ(fake_fs().files.at(path_).bytes, kForeignUuid);
}

TEST_F(Protocol, PublishErrorFailsAtOnceWithoutRetrying) {
  fake_fs().publish_error = std::make_error_code(std::errc::permission_denied);
  UUIDFileLock lock(path_, fast());
  std::error_code ec;
  EXPECT_FALSE(lock.try_lock_for(1h, ec));
  EXPECT_EQ(ec, std::errc::permission_denied);
  EXPECT_EQ(fake_fs().publishes, 1);
}

TEST_F(Protocol, ReadErrorOnReleaseKeepsTheLockForARetry) {
  UUIDFileLock lock(path_, fast());
  ASSERT_TRUE(lock.try_lock());
  fake_fs().read_error = std::make_error_code(std::errc::io_error);
  std::error_code ec;
  lock.release(ec);
  EXPECT_EQ(ec, std::errc::io_error);
  EXPECT_TRUE(lock.owns_lock());
  fake_fs().read_error.clear();
  lock.release();
  EXPECT_TRUE(fake_fs().files.empty());
}

TEST_F(Protocol, BriefIoErrorsOfANetworkClientAreRetriedPersistentOnesReported) {
  // rclone fails a read with EIO while another client rewrites the file.
  fake_fs().read_error = std::make_error_code(std::errc::io_error);
  fake_fs().read_error_count = 2;
  UUIDFileLock lock(path_, fast());
  EXPECT_TRUE(lock.try_lock());
  lock.release();
  // A server that keeps failing is reported, after a bounded number of reads.
  fake_fs().read_error_count = -1;
  fake_fs().reads = 0;
  std::error_code ec;
  EXPECT_FALSE(lock.try_lock_for(1h, ec));
  EXPECT_EQ(ec, std::errc::io_error);
  EXPECT_EQ(fake_fs().reads, 6);
  // Locally an I/O error is reported at once.
  fake_fs().read_error.clear();
  test::reset_fake_fs();
  fake_fs().local = true;
  fake_fs().read_error = std::make_error_code(std::errc::io_error);
  fake_fs().put(path_, kForeignUuid);
  UUIDFileLock local_lock(path_, fast());
  EXPECT_FALSE(local_lock.try_lock_for(1h, ec));
  EXPECT_EQ(ec, std::errc::io_error);
  EXPECT_EQ(fake_fs().reads, 1);
}

TEST_F(Protocol, AcquireTimesOutWithTimeoutErrorWithinBound) {
  fake_fs().put(path_, kForeignUuid);
  options opts = fast();
  opts.retry_interval = 10ms;
  opts.timeout = 100ms;
  UUIDFileLock lock(path_, opts);
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  lock.acquire(ec);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ec, errc::timeout);
  EXPECT_EQ(ec, std::errc::timed_out);
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 100ms + 1s);
}

TEST_F(Protocol, RelockingAHeldObjectIsADeadlockErrorNotAHang) {
  UUIDFileLock lock(path_, fast());
  ASSERT_TRUE(lock.try_lock());
  std::error_code ec;
  lock.acquire(ec);
  EXPECT_EQ(ec, std::errc::resource_deadlock_would_occur);
  EXPECT_FALSE(lock.try_lock(ec));
  EXPECT_EQ(ec, std::errc::resource_deadlock_would_occur);
  EXPECT_EQ(fake_fs().publishes, 1);
  EXPECT_TRUE(lock.owns_lock());
}

TEST_F(Protocol, ReleasingWhatIsNotHeldIsNotHeld) {
  UUIDFileLock lock(path_, fast());
  std::error_code ec;
  lock.release(ec);
  EXPECT_EQ(ec, errc::not_held);
  EXPECT_EQ(ec, std::errc::operation_not_permitted);
}

TEST_F(Protocol, EveryAcquisitionDrawsAFreshUuid) {
  UUIDFileLock lock(path_, fast());
  ASSERT_TRUE(lock.try_lock());
  const std::string first = lock.token();
  lock.release();
  ASSERT_TRUE(lock.try_lock());
  EXPECT_NE(lock.token(), first);
  EXPECT_EQ(lock.token().size(), 36u);
}

TEST_F(Protocol, MovingTransfersOwnership) {
  UUIDFileLock lock(path_, fast());
  ASSERT_TRUE(lock.try_lock());
  const std::string token = lock.token();
  UUIDFileLock moved(std::move(lock));
  EXPECT_FALSE(
      lock.owns_lock());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  EXPECT_EQ(moved.token(), token);
  UUIDFileLock assigned("/fake/other.lock", fast());
  ASSERT_TRUE(assigned.try_lock());
  assigned = std::move(moved);  // releases /fake/other.lock first
  EXPECT_EQ(fake_fs().files.count("/fake/other.lock"), 0u);
  EXPECT_EQ(assigned.token(), token);
  assigned.release();
  EXPECT_TRUE(fake_fs().files.empty());
}

TEST_F(Protocol, DestructorReleases) {
  {
    UUIDFileLock lock(path_, fast());
    ASSERT_TRUE(lock.try_lock());
  }
  EXPECT_TRUE(fake_fs().files.empty());
}

TEST_F(Protocol, PathWithoutFileNameIsRejected) {
  UUIDFileLock lock("/fake/dir/", fast());
  std::error_code ec;
  EXPECT_FALSE(lock.try_lock(ec));
  EXPECT_EQ(ec, std::errc::is_a_directory);
  EXPECT_EQ(fake_fs().publishes, 0);
}

// The breaker's removal checks what it removes: a co-user who forged the
// dead record removes it between the breaker's look and its removal, and a
// victim publishes its own lock file at once. The victim's file stays.
class BreakRace : public Protocol, public ::testing::WithParamInterface<bool> {};

TEST_P(BreakRace, TheBreakNeverRemovesAFileThatReplacedTheStaleOne) {
  fake_fs().local = GetParam();
  fake_fs().put(path_, this_host_record(99));
  constexpr const char* kVictimUuid = "11111111-2222-4333-8444-555555555555";
  fake_fs().processes[77] = detail::process_state::running;
  bool swapped = false;
  fake_fs().before_remove = [&](const std::string& path) {
    if (path != path_ || swapped) return;
    swapped = true;
    fake_fs().put(path_, this_host_record(77, kVictimUuid));
  };
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  EXPECT_TRUE(swapped);
  ASSERT_EQ(fake_fs().files.count(path_), 1u);
  EXPECT_EQ(detail::parse_record(fake_fs().files.at(path_).bytes, false).uuid, kVictimUuid);
}

INSTANTIATE_TEST_SUITE_P(Filesystem, BreakRace, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return std::string(param.param ? "Local" : "Network");
                         });

// Where breakers serialise on a marker file (network filesystems), the
// marker is only ever an empty file, never judged by the lock's rules.
TEST_F(Protocol, AMarkerLeftByADeadBreakerIsClearedOnceItIsOld) {
  fake_fs().put(path_, this_host_record(99));
  const std::string marker = detail::break_marker_path(path_, snapshot_of(path_)).string();
  fake_fs().put(marker, "", fake_fs().server_now() - 60s);
  UUIDFileLock lock(path_, fast());
  EXPECT_TRUE(lock.try_lock());
  EXPECT_EQ(fake_fs().files.count(marker), 0u);
  lock.release();
  EXPECT_TRUE(fake_fs().files.empty());
}

TEST_F(Protocol, AFreshMarkerMakesBreakersWait) {
  fake_fs().put(path_, this_host_record(99));
  const std::string marker = detail::break_marker_path(path_, snapshot_of(path_)).string();
  fake_fs().put(marker, "", fake_fs().server_now());
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  EXPECT_EQ(fake_fs().files.count(marker), 1u);
  EXPECT_EQ(fake_fs().files.count(path_), 1u);
}

TEST_F(Protocol, AnythingButAnEmptyFileAtAMarkerIsLeftAloneAndNeverJudged) {
  // A dead holder's record planted at the marker's name, however old: it is
  // no lock to break (breaking it would need a marker of its own, and so on
  // without end); it only makes breakers wait, and is never removed.
  fake_fs().put(path_, this_host_record(99));
  const std::string marker = detail::break_marker_path(path_, snapshot_of(path_)).string();
  fake_fs().put(marker, this_host_record(98), fake_fs().server_now() - 24h);
  UUIDFileLock lock(path_, fast());
  EXPECT_FALSE(lock.try_lock());
  ASSERT_EQ(fake_fs().files.count(marker), 1u);
  EXPECT_EQ(fake_fs().files.at(marker).bytes, this_host_record(98));
  EXPECT_EQ(fake_fs().removes, 0);
}

TEST(Liveness, AgesOfAnyTwoTimesNeverOverflow) {
  // Backends saturate file times, but the rule itself must hold for any
  // input: a fuzzed time_point::min() overflowed |now - mtime|.
  using clock = std::chrono::system_clock;
  const clock::time_point now = clock::now();
  EXPECT_GT(detail::age_of(clock::time_point::min(), now), std::chrono::hours(24 * 365 * 200));
  EXPECT_GT(detail::age_of(clock::time_point::max(), now), std::chrono::hours(24 * 365 * 200));
  EXPECT_EQ(detail::age_of(clock::time_point::min(), clock::time_point::max()),
            std::chrono::nanoseconds::max());
  EXPECT_EQ(detail::age_of(now - 5s, now), std::chrono::nanoseconds(5s));
  EXPECT_EQ(detail::age_of(now + 5s, now), std::chrono::nanoseconds(5s));
}

}  // namespace
}  // namespace uuid_filelock
