// The command `run` executes while holding the lock.
#pragma once

#include <string>
#include <system_error>
#include <vector>

namespace uuid_filelock::tool {

// Starts `command` (searched on PATH) and waits for it, passing on the
// termination signals the tool receives (POSIX: SIGINT, SIGTERM, SIGHUP sent
// to the tool alone; a terminal's Ctrl-C reaches the child by itself).
// Returns its exit status, or 128+N if signal N killed it; start_error is set
// (and nothing returned) when the command cannot be started, or not waited
// for. Signals the caller ignored (nohup) stay ignored for the command. The child
// inherits no handle of the lock: the library opens them all
// close-on-exec / non-inheritable.
int run_child(const std::vector<std::string>& command, std::error_code& start_error);

}  // namespace uuid_filelock::tool
