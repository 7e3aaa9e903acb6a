#include "unprivileged.hpp"

namespace uuid_filelock::test {

std::string unprivileged_prefix(std::vector<std::string>& prefix) {
  prefix.clear();
  return "a directory this process cannot write to is made with an ACL on Windows, and Wine "
         "does not enforce ACLs";
}

}  // namespace uuid_filelock::test
