#include <signal.h>
#include <unistd.h>

#include "terminal.hpp"

namespace uuid_filelock::tool {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

// `run` restores the default for its command.
void report_broken_pipes_as_errors() { ::signal(SIGPIPE, SIG_IGN); }

}  // namespace uuid_filelock::tool
