// Who holds a lock and whether that process still runs: the part of the
// backend seam (backend.hpp) that records and liveness checks use. Every
// function is noexcept; "cannot tell" is an answer of its own, never "gone".
#pragma once

#include <cstdint>
#include <string>

namespace uuid_filelock::detail {

// A process as liveness checks know it: its pid and when it started (OS
// units; 0 where that could not be read).
struct process_ref {
  std::uint64_t pid = 0;
  std::uint64_t start_time = 0;
};

// The start time of a process of this machine (and the caller's pid
// namespace), comparable with process_identity::start_time; 0 where the OS
// cannot tell it.
std::uint64_t start_time_of(std::uint64_t pid) noexcept;

// Who is asking, recorded in the lock file for humans and for liveness checks.
struct process_identity {
  std::uint64_t pid = 0;
  std::uint64_t start_time = 0;  // when the process started, in OS-specific units
  std::string host;              // hostname
  std::string machine_id;        // /etc/machine-id or equivalent; "" if unknown
  std::string boot_id;           // changes with every boot of this machine
  std::string pid_namespace;     // pids are only comparable within one
  std::string program;           // the program's file name: the default description
};

// The calling process, looked up once per thread (and again after fork()).
const process_identity& current_process() noexcept;

// current_process().pid, asked of the OS on every call (owns_lock() does):
// a child forked without pthread_atfork handlers (_Fork, raw clone) must
// never take its parent's lock for its own.
std::uint64_t current_pid() noexcept;

enum class process_state { running, gone, unknown };

// Whether the process `pid` that started at `start_time` still runs on this
// machine (in the caller's pid namespace). A reused pid is `gone`.
process_state process_status(std::uint64_t pid, std::uint64_t start_time) noexcept;

}  // namespace uuid_filelock::detail
