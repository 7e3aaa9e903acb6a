#include "signals.hpp"

#include <signal.h>

#include <stdexcept>

namespace uuid_filelock::test {

std::string signals_unavailable() { return ""; }

int signal_number(Signal signal) {
  switch (signal) {
    case Signal::hangup:
      return SIGHUP;
    case Signal::interrupt:
      return SIGINT;
    case Signal::terminate:
      return SIGTERM;
  }
  throw std::invalid_argument("no such signal");
}

void send_signal(process_id pid, Signal signal) {
  if (::kill(static_cast<pid_t>(pid), signal_number(signal)) != 0) {
    throw std::runtime_error("kill " + std::to_string(pid));
  }
}

}  // namespace uuid_filelock::test
