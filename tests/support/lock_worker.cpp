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
// For the multi-host tests on real network mounts (tests/network):
//   lock_worker net-cycles LOCK COUNTER WITNESS CYCLES VERIFY_DELAY_MS
//       cycles polling every 10 ms, verifying after VERIFY_DELAY_MS ("auto":
//       the library's default for the filesystem)
//   lock_worker net-race LOCK WITNESS VERIFY_DELAY_MS START_MS HOLD_MS
//       at START_MS (wall clock, ms since the epoch) tries the lock once; a
//       winner proves exclusion with WITNESS (a local path) for HOLD_MS;
//       exits 0 if it won, 1 if it lost, else a CycleStatus
// As the COMMAND of the uuid-filelock tool (tests/cli_test.cpp):
//   lock_worker exit CODE
//       exits with CODE at once
//   lock_worker echo TEXT
//       prints TEXT and a newline on stdout, "to stderr" on stderr, exits 0
//   lock_worker args ARG...
//       prints each ARG on a line of its own on stdout, exits 0
//   lock_worker raise-term
//       ends itself with SIGTERM
//   lock_worker pidfile FILE SECONDS
//       writes its pid to FILE (complete once FILE exists), sleeps, exits 0
//   lock_worker trap PIDFILE RECORD
//       catches SIGHUP, SIGINT and SIGTERM, then writes its pid to PIDFILE;
//       on a signal writes its number to RECORD and exits 42; exits 1 if
//       none comes within 60 s
//   lock_worker turn COUNTER WITNESS LOG
//       appends "begin PID" to LOG, takes a counted turn (counted_turn),
//       appends "end PID"; exits with a CycleStatus
//   lock_worker descriptors FILE
//       exits 0 if none of its descriptors refers to FILE, 1 if one does, 2
//       if it cannot tell
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "counter_cycles.hpp"
#include "descriptors.hpp"
#include "outliving_child.hpp"
#include "process_probe.hpp"
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

options network_options(const std::string& verify_delay_ms) {
  options opts;
  opts.retry_interval = std::chrono::milliseconds(10);
  if (verify_delay_ms != "auto")
    opts.verify_delay = std::chrono::milliseconds(std::atol(verify_delay_ms.c_str()));
  return opts;
}

int network_race(const char* lock_path, const char* witness, const char* verify_delay_ms,
                 const char* start_ms, const char* hold_ms) {
  const std::chrono::system_clock::time_point start(
      std::chrono::milliseconds(std::atoll(start_ms)));
  std::this_thread::sleep_until(start);
  UUIDFileLock lock(lock_path, network_options(verify_delay_ms));
  try {
    if (!lock.try_lock()) return 1;
  } catch (const std::system_error& e) {
    std::cerr << "net-race: " << e.what() << "\n";
    return kLockFailure;
  }
  const CycleStatus inside =
      critical_section(witness, std::chrono::milliseconds(std::atol(hold_ms)));
  std::error_code ec;
  lock.release(ec);
  if (inside != kCyclesOk) return inside;
  return ec ? kLockLost : kCyclesOk;
}

int try_once(const char* lock_path) {
  UUIDFileLock lock(lock_path);
  return lock.try_lock() ? 1 : 0;
}

// Written aside and renamed into place, so that a reader who sees FILE never
// reads half a number.
void write_pid(const std::filesystem::path& file) {
  const std::filesystem::path partial = file.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << current_process_id() << "\n";
  }
  std::filesystem::rename(partial, file);
}

int pidfile(const char* file, const char* seconds) {
  write_pid(file);
  std::this_thread::sleep_for(std::chrono::seconds(std::atol(seconds)));
  return 0;
}

volatile std::sig_atomic_t received_signal = 0;

extern "C" void record_signal(int signal) { received_signal = signal; }

int trap(const char* pid_file, const char* record) {
  for (const int signal : {SIGINT, SIGTERM}) std::signal(signal, record_signal);
#ifdef SIGHUP
  std::signal(SIGHUP, record_signal);
#endif
  write_pid(pid_file);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (received_signal == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (received_signal == 0) return 1;
  std::ofstream(record) << received_signal << "\n";
  return 42;
}

// Each line is appended and flushed on its own: lines of two turns that
// overlapped interleave in the log.
void log_line(const char* log, const std::string& what) {
  std::ofstream(log, std::ios::app) << what << " " << current_process_id() << "\n";
}

int turn(const char* counter, const char* witness, const char* log) {
  log_line(log, "begin");
  const CycleStatus status = counted_turn(counter, witness);
  log_line(log, "end");
  return status;
}

int descriptors(const char* file) {
  const int count = descriptors_referring_to(file);
  if (count < 0) return 2;
  return count == 0 ? 0 : 1;
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
    if (mode == "net-cycles" && argc == 7) {
      const CycleFiles files{argv[2], argv[3], argv[4]};
      return run_counter_cycles(files, std::atoi(argv[5]), network_options(argv[6]));
    }
    if (mode == "net-race" && argc == 7) {
      return network_race(argv[2], argv[3], argv[4], argv[5], argv[6]);
    }
    if (mode == "hold" && (argc == 4 || argc == 5)) {
      return hold(argv[2], argv[3], argc == 5 ? argv[4] : "");
    }
    if (mode == "race" && argc == 5) return race(argv[2], argv[3], argv[4]);
    if (mode == "try" && argc == 3) return try_once(argv[2]);
    if (mode == "exit" && argc == 3) return std::atoi(argv[2]);
    if (mode == "echo" && argc == 3) {
      std::cout << argv[2] << std::endl;
      std::cerr << "to stderr" << std::endl;
      return 0;
    }
    if (mode == "args") {
      for (int i = 2; i < argc; ++i) std::cout << argv[i] << "\n";
      return 0;
    }
    if (mode == "raise-term" && argc == 2) {
      std::raise(SIGTERM);
      return 1;
    }
    if (mode == "pidfile" && argc == 4) return pidfile(argv[2], argv[3]);
    if (mode == "trap" && argc == 4) return trap(argv[2], argv[3]);
    if (mode == "turn" && argc == 5) return turn(argv[2], argv[3], argv[4]);
    if (mode == "descriptors" && argc == 3) return descriptors(argv[2]);
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
