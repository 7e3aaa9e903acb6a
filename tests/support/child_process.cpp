#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <utility>

extern char** environ;

namespace uuid_filelock::test {

ChildProcess::ChildProcess(std::vector<std::string> args, bool pipe_stdin, bool pipe_stdout) {
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
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
  const int error = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (pipe_stdin) {
    ::close(in[0]);
    stdin_ = in[1];
  }
  if (pipe_stdout) {
    ::close(out[1]);
    stdout_ = out[0];
  }
  if (error != 0) throw std::runtime_error("posix_spawn " + args[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdin_(std::exchange(other.stdin_, -1)),
      stdout_(std::exchange(other.stdout_, -1)),
      reaped_(std::exchange(other.reaped_, true)) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    wait();
  }
  close_stdin();
  if (stdout_ >= 0) ::close(stdout_);
}

std::string ChildProcess::read_line() {
  std::string line;
  char c = 0;
  while (::read(stdout_, &c, 1) == 1 && c != '\n') line.push_back(c);
  return line;
}

void ChildProcess::close_stdin() {
  if (stdin_ >= 0) ::close(stdin_);
  stdin_ = -1;
}

void ChildProcess::kill(int signal) { ::kill(pid_, signal); }

int ChildProcess::wait() {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  return status;
}

int exit_code(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  return WIFSIGNALED(wait_status) ? -WTERMSIG(wait_status) : -1000;
}

}  // namespace uuid_filelock::test
