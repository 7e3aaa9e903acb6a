#include "counter_cycles.hpp"

#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "uuid_filelock/uuid_filelock.hpp"

namespace uuid_filelock::test {
namespace {

// Reopened each time and closed before the lock is released: what one holder
// wrote is what the next one reads, in whichever process.
bool increment(const std::filesystem::path& counter) {
  long value = 0;
  std::error_code ec;
  if (std::filesystem::exists(counter, ec)) {
    std::ifstream in(counter);
    if (!(in >> value)) return false;
  } else if (ec) {
    return false;
  }
  std::ofstream out(counter, std::ios::trunc);
  out << value + 1;
  out.close();
  return !out.fail();
}

// Creating a directory is atomic and exclusive on every OS: a second holder
// inside at the same time fails to create it.
CycleStatus enter(const std::filesystem::path& witness) {
  std::error_code ec;
  if (std::filesystem::create_directory(witness, ec)) return kCyclesOk;
  return ec ? kIoFailure : kTwoHolders;
}

CycleStatus leave(const std::filesystem::path& witness) {
  std::error_code ec;
  return std::filesystem::remove(witness, ec) ? kCyclesOk : kIoFailure;
}

}  // namespace

CycleStatus critical_section(const std::filesystem::path& witness, std::chrono::nanoseconds hold) {
  if (const CycleStatus entered = enter(witness); entered != kCyclesOk) return entered;
  if (hold > std::chrono::nanoseconds::zero()) std::this_thread::sleep_for(hold);
  return leave(witness);
}

CycleStatus counted_turn(const std::filesystem::path& counter,
                         const std::filesystem::path& witness) {
  if (const CycleStatus entered = enter(witness); entered != kCyclesOk) return entered;
  if (!increment(counter)) return kIoFailure;
  return leave(witness) == kCyclesOk ? kCyclesOk : kIoFailure;
}

CycleStatus run_counter_cycles(const CycleFiles& files, int cycles,
                               std::chrono::nanoseconds retry_interval, bool advisory) {
  options opts;
  opts.retry_interval = retry_interval;
  opts.advisory = advisory;
  return run_counter_cycles(files, cycles, opts);
}

CycleStatus run_counter_cycles(const CycleFiles& files, int cycles, const options& opts) {
  for (int i = 0; i < cycles; ++i) {
    UUIDFileLock lock(files.lock, opts);
    try {
      lock.acquire();
    } catch (const std::system_error& e) {
      std::cerr << "cycle " << i << ": " << e.what() << "\n";
      return kLockFailure;
    }
    if (const CycleStatus turn = counted_turn(files.counter, files.witness); turn != kCyclesOk) {
      return turn;
    }
    std::error_code ec;
    lock.release(ec);
    if (ec) {
      std::cerr << "cycle " << i << ": release: " << ec.message() << "\n";
      return ec == errc::lock_lost ? kLockLost : kLockFailure;
    }
  }
  return kCyclesOk;
}

long read_counter(const std::filesystem::path& counter) {
  std::ifstream in(counter);
  long value = -1;
  if (!in) return -1;
  return in >> value ? value : 0;
}

}  // namespace uuid_filelock::test
