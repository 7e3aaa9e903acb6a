// A child process for multi-process tests, stopped and reaped by its owner
// at the latest: a test never leaves a process behind.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace uuid_filelock::test {

class ChildProcess {
 public:
  // Starts `args` (args[0] is the executable). With pipe_stdin the child's
  // standard input is a pipe that close_stdin() closes (a start barrier: the
  // child reads it until EOF); with pipe_stdout its output can be read.
  explicit ChildProcess(std::vector<std::string> args, bool pipe_stdin = false,
                        bool pipe_stdout = false);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess& operator=(ChildProcess&&) = delete;

  pid_t pid() const { return pid_; }
  // One line of the child's output, without the newline ("" at EOF).
  std::string read_line();
  void close_stdin();
  void kill(int signal);
  // Waits for the child to end; returns the raw waitpid status.
  int wait();

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  bool reaped_ = false;
};

// The exit code of a child that exited, or -signal if a signal killed it.
int exit_code(int wait_status);

}  // namespace uuid_filelock::test
