#include "isolated_run.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace uuid_filelock::fault {
namespace {

void write_fully(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t written = ::write(fd, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    done += static_cast<std::size_t>(written);
  }
}

std::string read_until_end(int fd) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return text;
    text.append(buffer, static_cast<std::size_t>(got));
  }
}

[[noreturn]] void run_child(const std::function<std::string()>& body, std::chrono::seconds limit,
                            int output) {
  // SIGALRM's default action ends the child: a hang cannot outlive the limit.
  ::alarm(static_cast<unsigned>(limit.count()));
  std::string text;
  try {
    text = body();
  } catch (const std::exception& e) {
    text = std::string("problem\tthe case threw: ") + e.what() + "\n";
  } catch (...) {
    text = "problem\tthe case threw something that is no std::exception\n";
  }
  write_fully(output, text);
  // No exit handlers, no flushing of buffers the parent flushes too.
  ::_exit(0);
}

std::string describe_ending(int status, std::chrono::seconds limit) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    if (signal == SIGALRM)
      return "hung: still running after " + std::to_string(limit.count()) + " s";
    return std::string("crashed: killed by signal ") + std::to_string(signal) + " (" +
           ::strsignal(signal) + ")";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  return {};
}

}  // namespace

isolated_result run_isolated(const std::function<std::string()>& body, std::chrono::seconds limit) {
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    ::close(pipe_ends[0]);
    run_child(body, limit, pipe_ends[1]);
  }
  ::close(pipe_ends[1]);
  isolated_result result;
  result.output = read_until_end(pipe_ends[0]);
  ::close(pipe_ends[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  result.ending = describe_ending(status, limit);
  result.completed = result.ending.empty();
  return result;
}

}  // namespace uuid_filelock::fault
