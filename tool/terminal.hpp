// Whether a human watches stderr: only then is a waiting line drawn.
#pragma once

namespace uuid_filelock::tool {

bool stderr_is_terminal();

// A closed or full stdout becomes an error the tool can see (POSIX: SIGPIPE
// ignored) instead of killing it between taking a lock and reporting it.
void report_broken_pipes_as_errors();

}  // namespace uuid_filelock::tool
