// A separate process for the multi-process tests. Modes:
//   lock_worker cycles LOCK COUNTER WITNESS CYCLES RETRY_US ADVISORY
//       lock/increment/unlock cycles; exits with a CycleStatus
//   lock_worker hold LOCK ADVISORY [exec|fork]
//       takes the lock, optionally starts a child that outlives it (see
//       outliving_child.hpp), prints "held CHILD_PID" and waits to be killed
//   lock_worker race LOCK WITNESS ADVISORY
//       waits for EOF on stdin (the start barrier), takes the lock, proves
//       exclusion with the witness, releases; exits with a CycleStatus
//   lock_worker try LOCK
//       one try_lock: exits 0 if the lock was held by someone, 1 if it was free
//   lock_worker sleep SECONDS
//       a process that merely lives that long, then exits 0
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "counter_cycles.hpp"
#include "outliving_child.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

namespace {

using namespace uuid_filelock;
using namespace uuid_filelock::test;

options with_advisory(const char* flag) {
  options opts;
  opts.retry_interval = std::chrono::milliseconds(5);
  opts.advisory = std::string(flag) == "1";
  return opts;
}

[[noreturn]] void sleep_forever() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

int hold(const char* lock_path, const char* advisory, const std::string& child_kind) {
  UUIDFileLock lock(lock_path, with_advisory(advisory));
  lock.acquire();
  const std::uint64_t child = child_kind.empty() ? 0 : start_outliving_child(child_kind);
  std::cout << "held " << child << std::endl;
  sleep_forever();
}

int race(const char* lock_path, const char* witness, const char* advisory) {
  while (std::fgetc(stdin) != EOF) {
  }
  options opts = with_advisory(advisory);
  opts.timeout = std::chrono::seconds(60);
  UUIDFileLock lock(lock_path, opts);
  try {
    lock.acquire();
  } catch (const std::system_error& e) {
    std::cerr << "race: " << e.what() << "\n";
    return kLockFailure;
  }
  const CycleStatus inside = critical_section(witness, std::chrono::milliseconds(1));
  std::error_code ec;
  lock.release(ec);
  if (inside != kCyclesOk) return inside;
  return ec ? kLockLost : kCyclesOk;
}

int try_once(const char* lock_path) {
  UUIDFileLock lock(lock_path);
  return lock.try_lock() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "cycles" && argc == 8) {
      const CycleFiles files{argv[2], argv[3], argv[4]};
      return run_counter_cycles(files, std::atoi(argv[5]),
                                std::chrono::microseconds(std::atol(argv[6])),
                                std::string(argv[7]) == "1");
    }
    if (mode == "hold" && (argc == 4 || argc == 5)) {
      return hold(argv[2], argv[3], argc == 5 ? argv[4] : "");
    }
    if (mode == "race" && argc == 5) return race(argv[2], argv[3], argv[4]);
    if (mode == "try" && argc == 3) return try_once(argv[2]);
    if (mode == "sleep" && argc == 3) {
      std::this_thread::sleep_for(std::chrono::seconds(std::atol(argv[2])));
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "lock_worker: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "usage: see tests/support/lock_worker.cpp\n";
  return 64;
}
