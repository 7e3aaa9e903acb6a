// Runs one faulted case in a fork()ed child, so that a crash or a hang ends
// that case only, is reported as such, and no process-wide state (cached
// identities, sweep times, descriptors) carries over to the next case.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace uuid_filelock::fault {

struct isolated_result {
  bool completed = false;  // the body returned and the child exited normally
  std::string ending;      // otherwise how it ended: a signal, a hang
  std::string output;      // what the body returned
};

// Runs `body` in a child process and returns what it returned. A child still
// running after `limit` is killed and reported as hung.
isolated_result run_isolated(const std::function<std::string()>& body, std::chrono::seconds limit);

}  // namespace uuid_filelock::fault
