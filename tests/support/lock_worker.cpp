// A separate process for the multi-process tests. Modes:
//   lock_worker cycles LOCK COUNTER WITNESS CYCLES RETRY_US ADVISORY
//       lock/increment/unlock cycles; exits with a CycleStatus
//   lock_worker hold LOCK ADVISORY [exec|fork]
//       takes the lock, optionally starts a child that outlives it (`sleep
//       600` through exec, or a fork()ed copy of itself that sleeps), prints
//       "held CHILD_PID" and waits to be killed
//   lock_worker race LOCK WITNESS ADVISORY
//       waits for EOF on stdin (the start barrier), takes the lock, proves
//       exclusion with the witness, releases; exits with a CycleStatus
//   lock_worker try LOCK
//       one try_lock: exits 0 if the lock was held by someone, 1 if it was free
#include <spawn.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "counter_cycles.hpp"
#include "uuid_filelock/uuid_filelock.hpp"

extern char** environ;

namespace {

using namespace uuid_filelock;
using namespace uuid_filelock::test;

options with_advisory(const char* flag) {
  options opts;
  opts.retry_interval = std::chrono::milliseconds(5);
  opts.advisory = std::string(flag) == "1";
  return opts;
}

int hold(const char* lock_path, const char* advisory, const std::string& child_kind) {
  UUIDFileLock lock(lock_path, with_advisory(advisory));
  lock.acquire();
  pid_t child = 0;
  if (child_kind == "fork") {
    child = ::fork();
    if (child == 0) {
      ::sleep(600);
      std::_Exit(0);
    }
  } else if (child_kind == "exec") {
    char sleep_path[] = "/bin/sleep";
    char seconds[] = "600";
    char* argv[] = {sleep_path, seconds, nullptr};
    if (::posix_spawn(&child, sleep_path, nullptr, nullptr, argv, environ) != 0) return 5;
  }
  std::cout << "held " << child << std::endl;
  for (;;) ::pause();
}

int race(const char* lock_path, const char* witness, const char* advisory) {
  char byte = 0;
  while (::read(0, &byte, 1) > 0) {
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
  } catch (const std::exception& e) {
    std::cerr << "lock_worker: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "usage: see tests/support/lock_worker.cpp\n";
  return 64;
}
