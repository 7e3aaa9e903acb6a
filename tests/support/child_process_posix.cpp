#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <utility>

extern char** environ;

namespace uuid_filelock::test {

static_assert(ChildProcess::kTerminated == -SIGKILL);

struct ChildProcess::Native {
  pid_t pid = -1;
  int stdin_fd = -1;
  int stdout_fd = -1;
  bool reaped = false;
};

ChildProcess::ChildProcess(std::vector<std::string> args, bool pipe_stdin, bool pipe_stdout)
    : native_(std::make_unique<Native>()) {
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  // O_CLOEXEC: only the dup2()ed copies reach the child, never another
  // child's pipe ends.
  if ((pipe_stdin && ::pipe2(in, O_CLOEXEC) != 0) ||
      (pipe_stdout && ::pipe2(out, O_CLOEXEC) != 0)) {
    throw std::runtime_error("pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (pipe_stdin) posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  if (pipe_stdout) posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int error = ::posix_spawn(&native_->pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (pipe_stdin) {
    ::close(in[0]);
    native_->stdin_fd = in[1];
  }
  if (pipe_stdout) {
    ::close(out[1]);
    native_->stdout_fd = out[0];
  }
  if (error != 0) throw std::runtime_error("posix_spawn " + args[0]);
}

ChildProcess::ChildProcess(std::vector<std::string> args, const OutputFiles& files)
    : native_(std::make_unique<Native>()) {
  // Opened here, close-on-exec: only the dup2()ed copies reach the child.
  const int out = ::open(files.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err = ::open(files.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0 || err < 0) {
    if (out >= 0) ::close(out);
    if (err >= 0) ::close(err);
    throw std::runtime_error("cannot create " + files.out.string() + " or " + files.err.string());
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  // A runner started in the background (nohup, `cmd &` without job control)
  // ignores SIGINT or SIGHUP, and ignored signals survive exec.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (const int signal : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE}) sigaddset(&defaults, signal);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int error =
      ::posix_spawn(&native_->pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out);
  ::close(err);
  if (error != 0) throw std::runtime_error("posix_spawn " + args[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept = default;

ChildProcess::~ChildProcess() {
  if (!native_) return;  // moved from
  if (native_->pid > 0 && !native_->reaped) {
    terminate();
    wait();
  }
  close_stdin();
  if (native_->stdout_fd >= 0) ::close(native_->stdout_fd);
}

process_id ChildProcess::pid() const { return static_cast<process_id>(native_->pid); }

std::string ChildProcess::read_line() {
  std::string line;
  char c = 0;
  while (::read(native_->stdout_fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  return line;
}

void ChildProcess::close_stdin() {
  if (native_->stdin_fd >= 0) ::close(native_->stdin_fd);
  native_->stdin_fd = -1;
}

void ChildProcess::terminate() { ::kill(native_->pid, SIGKILL); }

int ChildProcess::wait() {
  int status = 0;
  while (::waitpid(native_->pid, &status, 0) < 0 && errno == EINTR) {
  }
  native_->reaped = true;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? -WTERMSIG(status) : -1000;
}

std::string sibling_program(const std::string& built_path) { return built_path; }

}  // namespace uuid_filelock::test
