#include "outliving_child.hpp"

#include <spawn.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace uuid_filelock::test {

std::uint64_t start_outliving_child(const std::string& kind) {
  pid_t child = 0;
  if (kind == "fork") {
    child = ::fork();
    if (child == 0) {
      ::sleep(600);
      std::_Exit(0);
    }
  } else if (kind == "exec") {
    char sleep_path[] = "/bin/sleep";
    char seconds[] = "600";
    char* argv[] = {sleep_path, seconds, nullptr};
    if (::posix_spawn(&child, sleep_path, nullptr, nullptr, argv, environ) != 0) child = -1;
  } else {
    throw std::invalid_argument("no child of kind " + kind);
  }
  if (child < 0) throw std::runtime_error("cannot start a child of kind " + kind);
  return static_cast<std::uint64_t>(child);
}

}  // namespace uuid_filelock::test
