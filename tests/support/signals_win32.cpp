#include "signals.hpp"

#include <stdexcept>

namespace uuid_filelock::test {

std::string signals_unavailable() {
  return "Windows has no kill(): a console program gets CTRL_C/CTRL_BREAK events only from a "
         "console it shares, and TerminateProcess runs none of its code";
}

int signal_number(Signal) { throw std::logic_error(signals_unavailable()); }

void send_signal(process_id, Signal) { throw std::logic_error(signals_unavailable()); }

}  // namespace uuid_filelock::test
