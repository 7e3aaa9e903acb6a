// Records judged on the real backend: which holders are presumed dead and
// taken over, and which are respected. Records are written by hand here, as
// another implementation (or a crashed process) would have left them.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "../src/common/backend.hpp"
#include "support/child_process.hpp"
#include "support/fast_path_param.hpp"
#include "support/platform.hpp"
#include "support/process_probe.hpp"
#include "support/temp_dir.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUuid = "0b8e4f6a-1d2c-4e5f-8a9b-0c1d2e3f4a5b";

struct RecordFields {
  std::uint64_t pid;
  std::uint64_t start;
  std::string host;
  std::string machine;
  std::string boot;
  std::string pidns;
  bool advisory;
  std::string heartbeat_ms = "";  // "": the holder does not heartbeat
};

// This process's own fields, as a holder on this machine would record them.
RecordFields here(std::uint64_t pid, std::uint64_t start) {
  const detail::process_identity& self = detail::current_process();
  return {pid, start, self.host, self.machine_id, self.boot_id, self.pid_namespace, false};
}

std::string record_text(const RecordFields& f) {
  return std::string(kUuid) + "\nformat=uuid-filelock/1\npid=" + std::to_string(f.pid) +
         "\nstart=" + std::to_string(f.start) + "\nhost=" + f.host + "\nmachine=" + f.machine +
         "\nboot=" + f.boot + "\npidns=" + f.pidns + "\nadvisory=" + (f.advisory ? "1" : "0") +
         "\nacquired_at=2026-01-01T00:00:00.000000Z\n" +
         (f.heartbeat_ms.empty() ? "" : "heartbeat_ms=" + f.heartbeat_ms + "\n");
}

ChildProcess sleeper(const char* seconds) {
  return ChildProcess({sibling_program(UUID_FILELOCK_LOCK_WORKER), "sleep", seconds});
}

std::uint64_t dead_pid() {
  ChildProcess child = sleeper("0");
  EXPECT_EQ(child.wait(), 0);
  return child.pid();
}

// A holder on another machine, whose process we cannot ask about.
RecordFields elsewhere() {
  RecordFields fields = here(dead_pid(), 1);
  fields.host = "elsewhere";
  fields.machine = "other-machine";
  fields.boot = "11111111-1111-1111-1111-111111111111";
  return fields;
}

class StaleRecord : public ::testing::TestWithParam<bool> {
 protected:
  options opts() const {
    options o;
    o.retry_interval = 10ms;
    o.advisory = GetParam();
    return o;
  }
  void write(const std::string& bytes, std::chrono::seconds age = 0s) {
    write_file(lock_, bytes);
    std::filesystem::last_write_time(lock_, std::filesystem::file_time_type::clock::now() - age);
  }
  // Taken over: try_lock wins, and the lock file is now ours.
  bool taken_over(options o) {
    UUIDFileLock lock(lock_, o);
    const bool taken = lock.try_lock();
    if (taken) {
      EXPECT_EQ(read_file(lock_).substr(0, 36), lock.token());
    }
    return taken;
  }
  bool taken_over() { return taken_over(opts()); }
  // An overdue heartbeat is taken over only once the record has stayed
  // unchanged for its limit by the steady clock (at least 3 s).
  bool taken_over_after_watching(options o = {}) {
    if (o.retry_interval == options{}.retry_interval) o = opts();
    UUIDFileLock lock(lock_, o);
    return lock.try_lock_for(6s);
  }

  TempDir dir_;
  std::filesystem::path lock_ = dir_ / "stale.lock";
};

TEST_P(StaleRecord, DeadPidOnThisBootIsTakenOver) {
  write(record_text(here(dead_pid(), 1)));
  EXPECT_TRUE(taken_over());
}

TEST_P(StaleRecord, DeadAdvisoryHolderIsTakenOver) {
  RecordFields fields = here(dead_pid(), 1);
  fields.advisory = true;  // its advisory lock died with it
  write(record_text(fields));
  EXPECT_TRUE(taken_over());
}

TEST_P(StaleRecord, LiveProcessIsRespected) {
  ChildProcess live = sleeper("60");
  const std::uint64_t start = process_start_time(live.pid());
  ASSERT_NE(start, 0u);
  write(record_text(here(live.pid(), start)), 3600s);
  EXPECT_FALSE(taken_over());
  EXPECT_EQ(read_file(lock_), record_text(here(live.pid(), start)));
}

TEST_P(StaleRecord, ReusedPidOfAnotherLiveProcessIsTakenOver) {
  ChildProcess live = sleeper("60");
  const std::uint64_t start = process_start_time(live.pid());
  ASSERT_NE(start, 0u);
  // The pid runs, but it is a process that started at another time.
  write(record_text(here(live.pid(), start + 100)));
  EXPECT_TRUE(taken_over());
}

TEST_P(StaleRecord, StartTimesOneClockTickApartAreTheSameProcess) {
  // Readers in time namespaces whose boot clock offset is no whole number
  // of ticks may round a tick apart; the holder is never broken for that.
  if (kWindows) GTEST_SKIP() << "Windows creation times are exact: no time namespaces";
  ChildProcess live = sleeper("60");
  const std::uint64_t start = process_start_time(live.pid());
  ASSERT_NE(start, 0u);
  write(record_text(here(live.pid(), start + 1)));
  EXPECT_FALSE(taken_over());
  write(record_text(here(live.pid(), start - 1)));
  EXPECT_FALSE(taken_over());
}

constexpr const char* kNoMachineId =
    "this machine has no machine id (/etc/machine-id, /var/lib/dbus/machine-id): an earlier "
    "boot of it cannot be told from another host, see the next test";

TEST_P(StaleRecord, EarlierBootOfThisMachineIsTakenOver) {
  if (detail::current_process().machine_id.empty()) GTEST_SKIP() << kNoMachineId;
  RecordFields fields = here(current_process_id(), 1);
  fields.boot = "00000000-0000-0000-0000-000000000000";
  write(record_text(fields));
  EXPECT_TRUE(taken_over());
}

TEST_P(StaleRecord, WithoutAMachineIdAnEarlierBootIsRespectedLikeAnotherHost) {
  // Hostnames repeat ("localhost", cloned images): without a machine id a
  // record of another boot may be another machine's, whose holder lives.
  // Only its heartbeat, or stale_after for a record that allows it, ends it.
  if (!detail::current_process().machine_id.empty())
    GTEST_SKIP() << "this machine has a machine id; tests/environments/no_machine_id.sh runs "
                    "this case without one";
  RecordFields fields = here(current_process_id(), 1);
  fields.boot = "00000000-0000-0000-0000-000000000000";
  write(record_text(fields));
  EXPECT_FALSE(taken_over());
}

TEST_P(StaleRecord, AnotherHostThatDoesNotHeartbeatIsAlwaysRespected) {
  // It may simply hold the lock for long: its age proves nothing.
  write(record_text(elsewhere()), 3600s);
  EXPECT_FALSE(taken_over());
  options limited = opts();
  limited.stale_after = 60s;
  EXPECT_FALSE(taken_over(limited));
}

TEST_P(StaleRecord, AnotherHostThatHeartbeatsIsStaleOnceOlderThanItsLimit) {
  RecordFields fields = elsewhere();
  fields.heartbeat_ms = "3000";
  write(record_text(fields), 1s);
  EXPECT_FALSE(taken_over());  // younger than its limit
  write(record_text(fields), 90s);
  EXPECT_FALSE(taken_over()) << "one reading of an age is no proof: clocks step";
  EXPECT_TRUE(taken_over_after_watching());  // no stale_after of ours needed: its own limit
}

TEST_P(StaleRecord, HeartbeatLimitWinsOverAShorterStaleAfterOfOurs) {
  RecordFields fields = elsewhere();
  fields.heartbeat_ms = "60000";
  write(record_text(fields), 30s);
  options impatient = opts();
  impatient.stale_after = 5s;  // shorter than its heartbeats are spaced for
  EXPECT_FALSE(taken_over(impatient));
  options patient = opts();
  patient.stale_after = 7200s;  // longer: ours wins
  write(record_text(fields), 3600s);
  EXPECT_FALSE(taken_over(patient));
  fields.heartbeat_ms = "3000";
  patient.stale_after = 4s;
  write(record_text(fields), 3600s);
  EXPECT_TRUE(taken_over_after_watching(patient));
}

TEST_P(StaleRecord, HeartbeatingHolderOnThisBootIsJudgedByItsProcess) {
  ChildProcess live = sleeper("60");
  const std::uint64_t start = process_start_time(live.pid());
  ASSERT_NE(start, 0u);
  RecordFields fields = here(live.pid(), start);
  fields.heartbeat_ms = "3000";
  write(record_text(fields), 3600s);  // its heartbeats stopped, but it runs
  EXPECT_FALSE(taken_over());
  RecordFields dead = here(dead_pid(), 1);
  dead.heartbeat_ms = "3600000";
  write(record_text(dead));  // beat a moment ago, but its process is gone
  EXPECT_TRUE(taken_over());
}

TEST_P(StaleRecord, AnotherPidNamespaceIsRespectedUnlessItsHeartbeatStopped) {
  RecordFields fields = here(dead_pid(), 1);
  fields.pidns = "pid:[1]";  // its pids are not ours to look up
  write(record_text(fields), 3600s);
  EXPECT_FALSE(taken_over());
  fields.heartbeat_ms = "3000";
  write(record_text(fields), 3600s);
  EXPECT_TRUE(taken_over_after_watching());
}

// A detached lock with an owner (acquire --owner-pid): its holder, the tool,
// has exited by design; the owner's life decides, not the record's age.
std::string owned_detached_record(std::uint64_t owner, std::uint64_t owner_start,
                                  const RecordFields& tool) {
  return record_text(tool) + "detached=1\ncompanion=" + std::to_string(owner) +
         "\ncompanion_start=" + std::to_string(owner_start) + "\n";
}

TEST_P(StaleRecord, DetachedLockIsHeldWhileItsOwnerRunsAndStaleOnceItIsGone) {
  ChildProcess owner = sleeper("60");
  const std::uint64_t start = process_start_time(owner.pid());
  ASSERT_NE(start, 0u);
  const std::string record = owned_detached_record(owner.pid(), start, here(dead_pid(), 1));
  write(record, 3600s);
  options with_limit = opts();
  with_limit.stale_after = 3600s;  // the owner's life wins over the age
  EXPECT_FALSE(taken_over(with_limit));
  EXPECT_EQ(read_file(lock_), record);
  owner.terminate();
  owner.wait();
  EXPECT_TRUE(taken_over());  // at once, without stale_after
}

TEST_P(StaleRecord, DetachedLockOfAnOwnerOfAnEarlierBootIsTakenOver) {
  if (detail::current_process().machine_id.empty()) GTEST_SKIP() << kNoMachineId;
  RecordFields tool = here(dead_pid(), 1);
  tool.boot = "11111111-1111-1111-1111-111111111111";
  write(owned_detached_record(1, 1, tool));
  EXPECT_TRUE(taken_over());
}

TEST_P(StaleRecord, DetachedLockWithoutAnOwnerOutlivesItsProcess) {
  write(record_text(here(dead_pid(), 1)) + "detached=1\n", 3600s);
  EXPECT_FALSE(taken_over());
}

TEST_P(StaleRecord, UuidOnlyRecordIsRespectedUntilStaleAfter) {
  write(std::string(kUuid) + "\n", 3600s);
  EXPECT_FALSE(taken_over());
  options limited = opts();
  limited.stale_after = 60s;
  EXPECT_TRUE(taken_over(limited));
}

TEST_P(StaleRecord, EmptyRecordIsRespectedDuringTheGracePeriodOnly) {
  write("");
  EXPECT_FALSE(taken_over());
  write("", 60s);
  EXPECT_TRUE(taken_over());
}

TEST_P(StaleRecord, RecordCutShortWithinItsUuidIsRespectedDuringTheGracePeriodOnly) {
  write(std::string(kUuid).substr(0, 20));
  EXPECT_FALSE(taken_over());
  write(std::string(kUuid).substr(0, 20), 60s);
  EXPECT_TRUE(taken_over());
}

TEST_P(StaleRecord, GarbageIsNoLockFileAtAnyAge) {
  write("garbage\n", 60s);
  UUIDFileLock lock(lock_, opts());
  std::error_code ec;
  EXPECT_FALSE(lock.try_lock(ec));
  EXPECT_EQ(ec, errc::not_a_lock_file);
  EXPECT_EQ(read_file(lock_), "garbage\n");
}

TEST_P(StaleRecord, FutureTimestampCannotKeepAnEmptyRecordAlive) {
  write("", -600s);
  EXPECT_TRUE(taken_over());
}

TEST_P(StaleRecord, FutureTimestampOnADeadHoldersRecordIsTakenOver) {
  write(record_text(here(dead_pid(), 1)), -600s);
  EXPECT_TRUE(taken_over());
}

INSTANTIATE_TEST_SUITE_P(FastPath, StaleRecord, ::testing::Bool(), fast_path_name);

}  // namespace
}  // namespace uuid_filelock::test
