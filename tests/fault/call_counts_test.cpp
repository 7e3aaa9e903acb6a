// What an uncontended acquisition costs in calls: the ones the protocol
// needs (one unnamed record, its advisory lock, publication, verification,
// removal) and nothing else. Counted through the same wrappers that inject
// the faults, so a lookup that creeps into every acquisition shows up here
// before it shows up in the benchmarks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fault/syscall_faults.hpp"
#include "support/temp_dir.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::fault {
namespace {

TEST(CallCounts, AnUncontendedAcquisitionLooksNothingUpAboutItsProcess) {
  test::TempDir dir;
  UUIDFileLock lock(dir / "app.lock");
  // The first acquisition of a thread looks its process up (pid, start
  // time, host, boot); later ones reuse that.
  lock.acquire();
  lock.release();
  arm();
  lock.acquire();
  lock.release();
  const armed_record record = disarm();
  int opens = 0;
  std::vector<std::string> lookups;
  for (const recorded_call& call : record.calls) {
    if (call.function == "open" || call.function == "openat") ++opens;
    if (call.detail.find("/proc/self") != std::string::npos ||
        call.detail.find("/etc/machine-id") != std::string::npos || call.function == "gethostname")
      lookups.push_back(call.function + " " + call.detail);
  }
  // The unnamed record in the lock's directory, and nothing more.
  EXPECT_EQ(opens, 1);
  EXPECT_EQ(lookups, std::vector<std::string>{});
}

}  // namespace
}  // namespace uuid_filelock::fault
