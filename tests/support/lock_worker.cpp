// A separate process for the multi-process tests:
//   lock_worker LOCK COUNTER WITNESS CYCLES RETRY_MICROSECONDS
// Exits with a CycleStatus.
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "counter_cycles.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: lock_worker LOCK COUNTER WITNESS CYCLES RETRY_MICROSECONDS\n";
    return 64;
  }
  const uuid_filelock::test::CycleFiles files{argv[1], argv[2], argv[3]};
  return uuid_filelock::test::run_counter_cycles(files, std::atoi(argv[4]),
                                                 std::chrono::microseconds(std::atol(argv[5])));
}
