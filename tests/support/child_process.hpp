// A child process for multi-process tests, stopped and reaped by its owner
// at the latest: a test never leaves a process behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace uuid_filelock::test {

// Wide enough for a pid_t and a Windows process id alike.
using process_id = std::uint64_t;

class ChildProcess {
 public:
  // Starts `args` (args[0] is the executable, see sibling_program). With
  // pipe_stdin the child's standard input is a pipe that close_stdin() closes
  // (a start barrier: the child reads it until EOF); with pipe_stdout its
  // output can be read. No pipe end of another child reaches it; on Windows
  // it inherits whatever else of the test is inheritable (the library's
  // handles never are: Crash.ExecedChildNeverInheritsTheLock).
  explicit ChildProcess(std::vector<std::string> args, bool pipe_stdin = false,
                        bool pipe_stdout = false);
  // Where a child's output goes instead of a pipe: files, read once it has
  // ended. A file has no reader to block and no end that a grandchild keeps
  // open, so a child that leaves a process behind still finishes. Standard
  // input is the null device: nothing waits for the test's own.
  struct OutputFiles {
    std::filesystem::path out;
    std::filesystem::path err;
  };
  // Starts `args` with stdout and stderr in `files` (created or truncated).
  // On POSIX the signals a test sends start with their default action, as in
  // a shell's foreground command, even if the test runner ignores them.
  ChildProcess(std::vector<std::string> args, const OutputFiles& files);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess& operator=(ChildProcess&&) = delete;

  process_id pid() const;
  // One line of the child's output, without the line end ("" at EOF).
  std::string read_line();
  void close_stdin();
  // Ends the child at once, without running any of its code: SIGKILL on
  // POSIX, TerminateProcess on Windows.
  void terminate();
  // Waits for the child to end; its exit code, or kTerminated (on POSIX,
  // minus the signal number for any signal that ended it).
  int wait();

  // What wait() returns for a child ended by terminate() (or by SIGKILL from
  // elsewhere): no exit code of a worker.
  static constexpr int kTerminated = -9;

 private:
  struct Native;
  std::unique_ptr<Native> native_;
};

// Where a program built beside the tests is, from the path the build gave
// it: that path on POSIX; on Windows the program of that name in the running
// test binary's own directory (a cross build's paths are the build machine's).
std::string sibling_program(const std::string& built_path);

}  // namespace uuid_filelock::test
