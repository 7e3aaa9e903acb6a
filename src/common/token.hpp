#pragma once

#include <string>

namespace uuid_filelock::detail {

// A fresh random (version 4) UUID in lower-case canonical form. Drawn from
// the OS entropy source on every call, so a fork()ed child never repeats its
// parent's tokens. Throws std::system_error if the OS has no entropy to give.
std::string new_token();

}  // namespace uuid_filelock::detail
