// Signals sent to a process with kill(), where the OS has them: for the
// tool's forwarding to its child and its 128+N exit statuses.
#pragma once

#include <string>

#include "child_process.hpp"

namespace uuid_filelock::test {

enum class Signal { hangup, interrupt, terminate };

// "" where signals can be sent; otherwise why not (a reason for GTEST_SKIP).
std::string signals_unavailable();

// The signal's number (SIGHUP 1, SIGINT 2, SIGTERM 15 on every POSIX system);
// throws where there are no signals.
int signal_number(Signal signal);

// Sends `signal` to `pid`; throws where there are no signals.
void send_signal(process_id pid, Signal signal);

}  // namespace uuid_filelock::test
