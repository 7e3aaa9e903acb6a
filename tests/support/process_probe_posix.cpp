#include "process_probe.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace uuid_filelock::test {

process_id current_process_id() { return static_cast<process_id>(::getpid()); }

std::uint64_t process_start_time(process_id pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  // Fields are counted after the command name's ')': the name may hold spaces.
  std::string rest = line.substr(line.rfind(')') + 2);
  for (int field = 3; field < 22; ++field) rest = rest.substr(rest.find(' ') + 1);
  return std::stoull(rest);
}

bool process_running(process_id pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0; }

void kill_process(process_id pid) {
  ::kill(static_cast<pid_t>(pid), SIGKILL);
  ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
}

}  // namespace uuid_filelock::test
