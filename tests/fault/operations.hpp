// The lock operations faults are injected into, each from the state it needs
// (a free lock, a live holder, a dead holder's file, a lock the operating
// object holds), and what a case checks in the process that ran it.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "case_report.hpp"
#include "syscall_faults.hpp"
#include "uuid_filelock/options.hpp"

namespace uuid_filelock::fault {

// What holds the lock when the operation starts.
enum class start_state {
  free,           // nothing at the lock path
  fresh_process,  // nothing at the lock path, in a process that has looked nothing up yet
  live_holder,    // another object of the process, acquired on another thread
  dead_holder,    // a process that took the lock and exited without releasing
  subject_holds,  // the object under test, acquired before arming
};

// What the operation is for, and so what its success means.
enum class purpose {
  acquire,         // success: the object holds the lock
  wait_in_vain,    // the lock stays held by someone else: success would be a second holder
  release,         // success: the lock file is gone
  inspect,         // success: an answer, which must be the true one
  unforced_break,  // success: an answer, which must be the true one
};

struct case_context;

struct operation {
  std::string name;
  start_state start;
  purpose goal;
  std::chrono::milliseconds retry_interval;
  std::optional<std::chrono::milliseconds> timeout;  // options::timeout
  std::chrono::milliseconds time_limit;              // taking longer is a failure
  outcome (*run)(case_context&);
};

const std::vector<operation>& operations();
const operation& operation_named(const std::string& name);

struct case_setup {
  std::filesystem::path lock;       // alone in a directory of its own
  std::filesystem::path warm_lock;  // elsewhere: warms per-process caches before arming
  bool advisory = true;             // options::advisory, the fast path
  durability_level durability = durability_level::none;
};

options options_for(const operation& op, const case_setup& setup);

// In a child process: prepares the start state, runs the operation with the
// wrapped calls recorded (and `plan`, if any, armed), then checks the state
// it left: who holds the lock, what is left in the directory, and whether a
// fresh object of the same process can take the lock (report.unrecovered
// says why not).
case_report run_case(const operation& op, const case_setup& setup,
                     const std::optional<fault_plan>& plan);

}  // namespace uuid_filelock::fault
