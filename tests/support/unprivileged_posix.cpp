#include "unprivileged.hpp"

#include <unistd.h>

namespace uuid_filelock::test {

std::string unprivileged_prefix(std::vector<std::string>& prefix) {
  prefix.clear();
  if (::geteuid() != 0) return "";
  // util-linux's setpriv execs the program directly: its exit status is the
  // program's own.
  for (const char* setpriv : {"/usr/bin/setpriv", "/bin/setpriv"}) {
    if (::access(setpriv, X_OK) == 0) {
      prefix = {setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"};
      return "";
    }
  }
  return "running as root, and without setpriv (util-linux) to drop to nobody";
}

}  // namespace uuid_filelock::test
