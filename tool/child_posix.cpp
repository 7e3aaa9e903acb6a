#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "child.hpp"

namespace uuid_filelock::tool {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP};

volatile sig_atomic_t child_pid = 0;

// Passes a signal sent to the tool (kill(), a service manager) on to the
// child. A terminal's Ctrl-C or hang-up goes to the whole foreground process
// group, the child included: sending it again would make a child that
// handles the first one gracefully die of the second. Linux marks those
// with si_code SI_KERNEL. (A signal sent by a process to the whole group
// still reaches the child twice.) kill() may set errno, which the
// interrupted code may be about to read: it is saved and restored.
void forward(int signal, siginfo_t* info, void*) {
#ifdef SI_KERNEL
  if (info != nullptr && info->si_code == SI_KERNEL) return;
#else
  (void)info;
#endif
  const int saved_errno = errno;
  if (child_pid > 0) ::kill(static_cast<pid_t>(child_pid), signal);
  errno = saved_errno;
}

// Forwards the termination signals the caller did not ignore. Installed only
// once the child may run: before, a signal ends the tool as it would without
// a child, and the paused child with it (see paused_child).
void forward_signals() {
  struct sigaction action {};
  action.sa_sigaction = forward;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int signal : kForwarded) {
    struct sigaction current {};
    ::sigaction(signal, nullptr, &current);
    if (current.sa_handler != SIG_IGN) ::sigaction(signal, &action, nullptr);
  }
}

int retry_read(int fd, void* buf, std::size_t size) {
  ssize_t got = 0;
  do {
    got = ::read(fd, buf, size);
  } while (got < 0 && errno == EINTR);
  return static_cast<int>(got);
}

// The child between fork() and exec(): it waits for the tool's go, and
// exits without running if the tool dies first (the pipe reports end of
// file). The tool is single-threaded when it forks, so this may call what it
// likes; it still calls only async-signal-safe functions but execvp.
[[noreturn]] void child_main(char* const* argv, int go, int failed, int tool_ends[2]) {
  // Only the tool may hold the write end of `go`, or its death would never
  // reach us as end of file.
  ::close(tool_ends[0]);
  ::close(tool_ends[1]);
  // The command gets the dispositions the tool was started with, except
  // SIGPIPE (ignored by the tool itself) and SIGCHLD: a signal ignored by
  // the caller (nohup, `cmd &`) stays ignored, as shells do.
  ::signal(SIGPIPE, SIG_DFL);
  ::signal(SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  char byte = 0;
  if (retry_read(go, &byte, 1) != 1) ::_exit(127);
  ::execvp(argv[0], argv);
  const int error = errno;
  (void)!::write(failed, &error, sizeof error);
  ::_exit(127);
}

}  // namespace

std::vector<std::string> shell_command(const std::string& text) { return {"/bin/sh", "-c", text}; }

struct paused_child::native_handles {
  int go = -1;      // the pipe end that lets the child exec
  int failed = -1;  // where the child reports a failed exec
};

paused_child::paused_child(const std::vector<std::string>& command, std::error_code& start_error)
    : native_(std::make_unique<native_handles>()) {
  std::vector<char*> argv;
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // Both pipes close on exec: the command inherits neither, and a successful
  // exec closes the child's end of `failed`, which the tool reads as success.
  int go[2] = {-1, -1};
  int failed[2] = {-1, -1};
  if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(failed, O_CLOEXEC) != 0) {
    start_error = {errno, std::system_category()};
    for (int fd : {go[0], go[1]})
      if (fd >= 0) ::close(fd);
    return;
  }
  ::signal(SIGCHLD, SIG_DFL);  // so that waitpid works
  const pid_t pid = ::fork();
  if (pid == 0) {
    int tool_ends[2] = {go[1], failed[0]};
    child_main(argv.data(), go[0], failed[1], tool_ends);
  }
  const int fork_error = errno;
  ::close(go[0]);
  ::close(failed[1]);
  native_->go = go[1];
  native_->failed = failed[0];
  if (pid < 0) {
    start_error = {fork_error, std::system_category()};
    return;
  }
  pid_ = static_cast<std::uint64_t>(pid);
}

paused_child::~paused_child() {
  if (pid_ != 0 && !ran_) {
    // Never let go: it exits on end of file; waited for, to leave no zombie.
    ::close(native_->go);
    native_->go = -1;
    int status = 0;
    while (::waitpid(static_cast<pid_t>(pid_), &status, 0) < 0 && errno == EINTR) {
    }
  }
  for (const int fd : {native_->go, native_->failed})
    if (fd >= 0) ::close(fd);
}

int paused_child::run(std::error_code& start_error) {
  ran_ = true;
  child_pid = static_cast<sig_atomic_t>(pid_);
  forward_signals();
  const char go = 1;
  (void)!::write(native_->go, &go, 1);  // a child killed meanwhile is reaped below
  int exec_error = 0;
  const bool exec_failed = retry_read(native_->failed, &exec_error, sizeof exec_error) ==
                           static_cast<int>(sizeof exec_error);

  int status = 0;
  pid_t waited = 0;
  do {
    waited = ::waitpid(static_cast<pid_t>(pid_), &status, 0);
  } while (waited < 0 && errno == EINTR);
  child_pid = 0;
  if (exec_failed) {
    start_error = {exec_error, std::system_category()};
    return 0;
  }
  if (waited < 0) {
    start_error = {errno, std::system_category()};
    return 0;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace uuid_filelock::tool
