#include "fork_child.hpp"

#include <stdexcept>

namespace uuid_filelock::test {

bool can_fork() { return false; }

process_id fork_child(const std::function<int()>&) {
  throw std::logic_error("Windows has no fork()");
}

int wait_forked(process_id) { throw std::logic_error("Windows has no fork()"); }

}  // namespace uuid_filelock::test
