// The critical section the stress tests run: lock, prove nobody else is
// inside, read-increment-write a counter file, unlock.
#pragma once

#include <chrono>
#include <filesystem>

#include "uuid_filelock/options.hpp"

namespace uuid_filelock::test {

struct CycleFiles {
  std::filesystem::path lock;
  std::filesystem::path counter;  // decimal count; a lost update shows as a short count
  std::filesystem::path witness;  // created exclusively inside the section: never exists already
};

enum CycleStatus : int {
  kCyclesOk = 0,
  kTwoHolders = 3,   // the witness already existed: exclusion failed
  kLockLost = 4,     // release reported a lost lock
  kIoFailure = 5,    // the counter or witness could not be read or written
  kLockFailure = 6,  // acquire threw
};

CycleStatus run_counter_cycles(const CycleFiles& files, int cycles,
                               std::chrono::nanoseconds retry_interval, bool advisory);
CycleStatus run_counter_cycles(const CycleFiles& files, int cycles, const options& opts);

// One turn in the critical section: prove nobody else is inside (the witness),
// stay `hold`, leave.
CycleStatus critical_section(const std::filesystem::path& witness, std::chrono::nanoseconds hold);

// One turn of a cycle without the lock (its caller holds it some other way):
// prove nobody else is inside, increment the counter, leave.
CycleStatus counted_turn(const std::filesystem::path& counter,
                         const std::filesystem::path& witness);

long read_counter(const std::filesystem::path& counter);

}  // namespace uuid_filelock::test
