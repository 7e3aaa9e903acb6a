// Fault injection at the C library calls the POSIX backend makes, in the
// spirit of SQLite's overridable aSyscall[] table, without touching the
// library: this test executable defines open(), linkat(), flock() and the
// rest itself (syscall_faults.cpp). The static library's calls bind to these
// definitions, which either fail the call with a chosen errno or pass it on to
// the C library's own function (dlsym(RTLD_NEXT)).
//
// Nothing is counted or failed unless a thread arms it, and then only that
// thread's calls: other threads (a holder, a checker) and the test harness
// run undisturbed.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace uuid_filelock::fault {

// What kind of failure a call can plausibly meet, beyond its function name.
enum call_trait : unsigned {
  creates = 1u << 0,     // open() with O_CREAT or O_TMPFILE: the disk may be full
  writes = 1u << 1,      // open() for writing: the filesystem may be read-only
  unnamed = 1u << 2,     // open() with O_TMPFILE: the filesystem may not support it
  directory = 1u << 3,   // open() of a directory
  blocking = 1u << 4,    // flock()/fcntl() that may wait, and so be interrupted
  duplicates = 1u << 5,  // fcntl(F_DUPFD...): may run out of descriptors
  locks = 1u << 6,       // fcntl() lock commands: may run out of lock records
};

// One call of a wrapped function made by the armed thread.
struct recorded_call {
  std::string function;  // the C library function, e.g. "open" or "flock"
  std::string detail;    // its arguments, for humans: a path, flags
  unsigned traits = 0;   // call_trait bits
  int occurrence = 0;    // 1 for the first call of `function` since arming
};

// Fails the `occurrence`-th call (1-based, counted from arming) of
// `function` with `error`, without making it (close() excepted: it is made,
// since Linux frees the descriptor whatever close() reports).
struct fault_plan {
  std::string function;
  int occurrence = 0;
  int error = 0;
};

struct armed_record {
  std::vector<recorded_call> calls;  // every wrapped call, in order
  bool fired = false;                // whether the planned fault was injected
};

// Starts recording the calling thread's wrapped calls and, with a plan,
// failing one of them. Not nestable.
void arm(std::optional<fault_plan> plan = std::nullopt);

// Stops recording; what the calling thread called since arm().
armed_record disarm();

// Simulates a filesystem without O_TMPFILE (older kernels, NFS, FUSE, some
// tmpfs): while off, every open() with O_TMPFILE fails with EOPNOTSUPP, on
// every thread and in every process forked meanwhile, without being recorded.
// The library then prepares its records under temporary names.
void set_unnamed_files_supported(bool supported);

// Every function wrapped here, for the check that no call of the library
// escapes the wrappers.
const std::vector<std::string>& wrapped_functions();

}  // namespace uuid_filelock::fault
