// What the tool's output goes to: a person's terminal, or a pipe or file.
#pragma once

#include <cstddef>

namespace uuid_filelock::tool {

// Whether a human watches stderr: only then is a waiting line drawn.
bool stderr_is_terminal();

// The width help text wraps at: stdout's terminal's, or 80 columns when
// stdout is no terminal.
std::size_t help_width();

// A closed or full stdout becomes an error the tool can see (POSIX: SIGPIPE
// ignored) instead of killing it between taking a lock and reporting it.
void report_broken_pipes_as_errors();

}  // namespace uuid_filelock::tool
