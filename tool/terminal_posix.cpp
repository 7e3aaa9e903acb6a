#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "terminal.hpp"

namespace uuid_filelock::tool {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

std::size_t help_width() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

// `run` restores the default for its command.
void report_broken_pipes_as_errors() { ::signal(SIGPIPE, SIG_IGN); }

}  // namespace uuid_filelock::tool
