// The command `run` executes while holding the lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace uuid_filelock::tool {

// The command that runs `text` through the system's shell: /bin/sh -c on
// POSIX (flock's -c); empty on Windows, whose cmd.exe reads its command line
// by rules of its own that no argument quoting can satisfy.
std::vector<std::string> shell_command(const std::string& text);

// `command` (searched on PATH) as a process that exists before it runs, so
// that the lock can be taken naming it (options::companion_pid); then run()
// lets it go. What a killed tool means for it:
// - POSIX: the lock stays held while the command runs (its record names it),
//   and is recoverable once it has exited; its own children do not keep it.
//   A tool that dies before run() takes the command with it: it waits on a
//   pipe whose other end dies with the tool, and exits without running.
// - Windows: the lock file goes with its holder's handle, so the command
//   dies with the tool (a kill-on-close job), its children too.
// Destroying a child that never ran ends it.
class paused_child {
 public:
  // start_error is set (and pid() is 0) when no process could be made.
  paused_child(const std::vector<std::string>& command, std::error_code& start_error);
  ~paused_child();
  paused_child(const paused_child&) = delete;
  paused_child& operator=(const paused_child&) = delete;

  std::uint64_t pid() const noexcept { return pid_; }

  // Lets the command run and waits for it, passing on the termination
  // signals the tool receives (POSIX: SIGINT, SIGTERM, SIGHUP sent to the
  // tool alone; a terminal's Ctrl-C reaches the child by itself). Returns its
  // exit status, or 128+N if signal N killed it; start_error is set (and
  // nothing returned) when the command cannot be started (not found), or not
  // waited for. Signals the caller ignored (nohup) stay ignored for the
  // command. The child inherits no handle of the lock: the library opens
  // them all close-on-exec / non-inheritable.
  int run(std::error_code& start_error);

 private:
  // What the OS needs: the pipe ends (POSIX); the process, its suspended
  // main thread and its job (Windows). Defined in child_posix/child_win32.
  struct native_handles;

  std::uint64_t pid_ = 0;
  bool ran_ = false;
  std::unique_ptr<native_handles> native_;
};

}  // namespace uuid_filelock::tool
