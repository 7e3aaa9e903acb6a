#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "child.hpp"

extern char** environ;

namespace uuid_filelock::tool {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP};

volatile sig_atomic_t child_pid = 0;
volatile sig_atomic_t pending_signal = 0;

// Passes a signal sent to the tool (kill(), a service manager) on to the
// child. A terminal's Ctrl-C or hang-up goes to the whole foreground process
// group, the child included: sending it again would make a child that
// handles the first one gracefully die of the second. Linux marks those
// with si_code SI_KERNEL. (A signal sent by a process to the whole group
// still reaches the child twice.)
void forward(int signal, siginfo_t* info, void*) {
#ifdef SI_KERNEL
  if (info != nullptr && info->si_code == SI_KERNEL) return;
#else
  (void)info;
#endif
  if (child_pid > 0) {
    ::kill(static_cast<pid_t>(child_pid), signal);
  } else {
    pending_signal = signal;  // arrived before the child existed
  }
}

}  // namespace

int run_child(const std::vector<std::string>& command, std::error_code& start_error) {
  // The child gets the dispositions the tool was started with, except
  // SIGPIPE (ignored by the tool itself) and SIGCHLD (restored so that
  // waitpid works): a signal ignored by the caller (nohup, `cmd &`) stays
  // ignored and is not forwarded, as shells do.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGCHLD);
  ::signal(SIGCHLD, SIG_DFL);
  struct sigaction action {};
  action.sa_sigaction = forward;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int signal : kForwarded) {
    struct sigaction current {};
    ::sigaction(signal, nullptr, &current);
    if (current.sa_handler == SIG_IGN) continue;
    ::sigaction(signal, &action, nullptr);
    sigaddset(&defaults, signal);
  }

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = ::posix_spawnp(&pid, argv[0], nullptr, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    start_error = {error, std::system_category()};
    return 0;
  }
  child_pid = pid;
  if (pending_signal != 0) ::kill(pid, pending_signal);

  int status = 0;
  pid_t waited = 0;
  do {
    waited = ::waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  child_pid = 0;
  if (waited < 0) {
    start_error = {errno, std::system_category()};
    return 0;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace uuid_filelock::tool
